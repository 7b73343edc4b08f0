import { exportAwsCliSession } from '../../auth/providers/aws-sso/aws-cli-cache.js';
import { ensureSession, type SessionSource } from '../../auth/providers/aws-sso/session.js';
import { loadConfig } from '../../config/load.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { terminalInteraction } from '../interaction.js';
import { pickIdentityCenterProvider } from '../pick.js';
import { provisionWithFeedback } from '../provisioning.js';
import { colors } from '../render/colors.js';
import { formatLocalTime, formatRemaining } from '../render/time.js';
import { sessionDeps } from '../session-deps.js';

interface LoginOptions {
  provider?: string;
  useDeviceCode?: boolean;
  browser: boolean;
  force?: boolean;
  exportAwsCliCache?: boolean;
  provision: boolean;
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
  const { name, provider } = await pickIdentityCenterProvider(ctx, config, options.provider);
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
  const json = options.format === 'json';

  if (!json) {
    const c = colors(ctx.globals.color.stderr);
    const remaining = formatRemaining(Date.parse(session.expiresAt) - Date.now());
    ctx.stderr.write(
      `${c.green('✓')} ${HEADLINES[source]} ${c.bold(name)} (${portal.startUrl}), session valid until ${formatLocalTime(session.expiresAt)} (${remaining})\n`,
    );
    if (exported)
      ctx.stderr.write(`  exported for the AWS CLI and SDKs as sso-session ${c.bold(name)} (${exported})\n`);
  }
  // Discovery follows every login, a reused session included: a login is when a person expects the
  // list of identities to be current.
  const provisioned =
    options.provision && provider.auto_provision_identities
      ? await provisionWithFeedback(
          ctx,
          { providerName: name, provider, session, deps },
          { strict: false, quiet: json },
        )
      : undefined;
  if (json) {
    const output = {
      provider: name,
      start_url: portal.startUrl,
      region: portal.region,
      source,
      expires_at: session.expiresAt,
      aws_cli_cache: exported ?? null,
      provisioning: provisioned ?? null,
    };
    ctx.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  }
  return 0;
};
