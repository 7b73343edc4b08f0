import { ensureSession } from '../../auth/providers/aws-sso/session.js';
import { loadConfig } from '../../config/load.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { pickIdentityCenterProvider } from '../pick.js';
import { provisionWithFeedback } from '../provisioning.js';
import { sessionDeps } from '../session-deps.js';

interface ProvisionOptions {
  provider?: string;
  format: 'text' | 'json';
}

/** Discovers the provider's accounts and permission sets again with the current session (no sign-in). */
export const run: CommandRun<ProvisionOptions> = async (ctx, options) => {
  const { config } = await loadConfig(ctx, dirsFor(ctx));
  const { name, provider } = await pickIdentityCenterProvider(ctx, config, options.provider);
  const deps = await sessionDeps(ctx, config);
  const { session } = await ensureSession({ startUrl: provider.start_url, region: provider.region }, deps, {
    flow: 'auto',
    openBrowser: false,
    loginCommand: `rolecall login --provider ${name}`,
  });
  const result = await provisionWithFeedback(
    ctx,
    { providerName: name, provider, session, deps },
    { strict: true, quiet: options.format === 'json' },
  );
  if (options.format === 'json') ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
};
