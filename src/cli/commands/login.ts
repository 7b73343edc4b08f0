import { exportAwsCliSession } from '../../auth/providers/aws-sso/aws-cli-cache.js';
import { ensureSession, type SessionSource } from '../../auth/providers/aws-sso/session.js';
import { chooseProvider } from '../../auth/select-provider.js';
import { loadConfig } from '../../config/load.js';
import { usageError } from '../../core/errors.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { terminalInteraction } from '../interaction.js';
import { pickOne } from '../pick.js';
import { colors } from '../render/colors.js';
import { formatLocalTime, formatRemaining } from '../render/time.js';
import { sessionDeps } from '../session-deps.js';

interface LoginOptions {
  provider?: string;
  useDeviceCode?: boolean;
  browser: boolean;
  force?: boolean;
  exportAwsCliCache?: boolean;
  format: 'text' | 'json';
}

const HEADLINES: Record<SessionSource, string> = {
  store: 'Already logged in to',
  refreshed: 'Refreshed the session of',
  'aws-cli': "Using the AWS CLI's login for",
  login: 'Logged in to',
};

/** Signs in to a provider's portal (or confirms a valid session) and stores the session. */
export const run: CommandRun<LoginOptions> = async (ctx, options) => {
  const { config } = await loadConfig(ctx, dirsFor(ctx));
  const choice = chooseProvider(config, options.provider);
  const name = 'name' in choice ? choice.name : await pickOne(ctx, 'provider', choice.ask, '--provider');
  const provider = config.auth?.providers?.[name];
  if (provider?.kind !== 'aws/iam-identity-center') {
    throw usageError(
      'provider.unsupported',
      `provider ${name} has kind ${provider?.kind}, which rolecall cannot log in to`,
      'log in to an aws/iam-identity-center provider',
    );
  }
  const portal = { startUrl: provider.start_url, region: provider.region };
  const deps = await sessionDeps(ctx, config);
  const { session, source } = await ensureSession(portal, deps, {
    force: options.force,
    flow: options.useDeviceCode ? 'device' : 'auto',
    openBrowser: options.browser,
    interaction: terminalInteraction(ctx),
    loginCommand: `rolecall login --provider ${name}`,
  });
  const exported = options.exportAwsCliCache ? exportAwsCliSession(deps.home, name, session) : undefined;

  if (options.format === 'json') {
    ctx.stdout.write(
      `${JSON.stringify({ provider: name, start_url: portal.startUrl, region: portal.region, source, expires_at: session.expiresAt, aws_cli_cache: exported ?? null }, null, 2)}\n`,
    );
    return 0;
  }
  const c = colors(ctx.globals.color.stderr);
  const remaining = formatRemaining(Date.parse(session.expiresAt) - Date.now());
  ctx.stderr.write(
    `${c.green('✓')} ${HEADLINES[source]} ${c.bold(name)} (${portal.startUrl}), session valid until ${formatLocalTime(session.expiresAt)} (${remaining})\n`,
  );
  if (exported) {
    ctx.stderr.write(`  exported for the AWS CLI and SDKs as sso-session ${c.bold(name)} (${exported})\n`);
  }
  return 0;
};
