import { usageError } from '../../core/errors.js';
import { INHERITED_AWS_VARIABLES, identityVariables } from '../../run/child-env.js';
import { type EnvFormat, formatEnv } from '../../run/env-format.js';
import type { CommandRun } from '../context.js';
import { identityCredentials } from '../identity-credentials.js';

/** Prints the identity's credentials as variables to `eval` in the given shell's syntax. */
export const run: CommandRun<{ identity?: string; format: EnvFormat }> = async (ctx, options) => {
  const resolved = await identityCredentials(ctx, { identity: options.identity, caller: 'person' });
  const variables = identityVariables({
    identity: resolved.name,
    region: resolved.chain.region,
    keys: resolved.credentials,
  });
  // A profile or config chosen before would win over the keys in some SDKs (the JS SDK prefers AWS_PROFILE).
  const set = new Set(variables.map(([name]) => name));
  const stale = INHERITED_AWS_VARIABLES.filter((name) => !set.has(name));
  let text: string;
  try {
    text = formatEnv(variables, options.format, stale);
  } catch (error) {
    throw usageError(
      'env.format',
      `the credentials cannot be written in ${options.format} syntax: ${(error as Error).message}`,
      'choose another --format, such as json',
    );
  }
  ctx.stdout.write(text);
  return 0;
};
