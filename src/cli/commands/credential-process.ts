import { credentialProcessOutput } from '../../run/credential-process-output.js';
import type { CommandRun } from '../context.js';
import { identityCredentials } from '../identity-credentials.js';

/**
 * The AWS SDKs' `credential_process` when the cache could not answer alone (see credential-process-fast):
 * no picker, and a sign-in only with a device code on the terminal.
 */
export const run: CommandRun<{ identity?: string }> = async (ctx, options) => {
  const { credentials } = await identityCredentials(ctx, { identity: options.identity, caller: 'background' });
  ctx.stdout.write(credentialProcessOutput(credentials));
  return 0;
};
