import { identityVariables } from '../../run/child-env.js';
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
  ctx.stdout.write(formatEnv(variables, options.format));
  return 0;
};
