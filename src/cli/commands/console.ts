import { consoleSigninUrl } from '../../auth/identities/console-signin.js';
import { durationSeconds } from '../../config/duration.js';
import { rootProviderOf } from '../../config/identity-graph.js';
import type { RolecallConfig } from '../../config/schema.js';
import { usageError } from '../../core/errors.js';
import { writeRedirectPage } from '../../run/redirect-page.js';
import { openInBrowser } from '../browser.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { withIdentityCredentials } from '../identity-credentials.js';

interface ConsoleOptions {
  identity?: string;
  print?: boolean;
  destination?: string;
}

/** Opens the AWS console signed in as the identity (or prints the sign-in URL). */
export const run: CommandRun<ConsoleOptions> = async (ctx, options) => {
  if (options.destination !== undefined && !/^https:\/\/\S+$/.test(options.destination)) {
    throw usageError(
      'console.destination',
      `--destination ${options.destination} is not an https URL`,
      'give a console URL, such as https://console.aws.amazon.com/s3/home',
    );
  }
  const { resolved, signin } = await withIdentityCredentials(
    ctx,
    { identity: options.identity, caller: 'person' },
    async (resolved) => ({
      resolved,
      signin: await consoleSigninUrl(resolved.credentials, {
        region: resolved.chain.region,
        env: ctx.env,
        destination: options.destination,
        sessionSeconds: consoleSessionSeconds(resolved.loaded.config, resolved.name),
      }),
    }),
  );
  if (signin.durationNote) ctx.log.info(signin.durationNote);
  if (options.print) {
    ctx.stdout.write(`${signin.url}\n`);
    return 0;
  }
  const page = writeRedirectPage(dirsFor(ctx), signin.url);
  if (await openInBrowser(page, { env: ctx.env, platform: process.platform })) {
    ctx.stderr.write(`Opened the AWS console as ${resolved.name} in your browser.\n`);
    return 0;
  }
  ctx.stderr.write('No browser could be opened; this URL signs in once, within 15 minutes:\n');
  ctx.stdout.write(`${signin.url}\n`);
  return 0;
};

/** The provider's `console.session_duration`, else the identity's `session.duration`. */
function consoleSessionSeconds(config: RolecallConfig, name: string): number | undefined {
  const auth = config.auth;
  const identity = auth?.identities?.[name];
  const providerName = rootProviderOf(name, auth?.identities ?? {});
  const provider = providerName === undefined ? undefined : auth?.providers?.[providerName];
  const configured =
    (provider?.kind === 'aws/iam-identity-center' ? provider.console?.session_duration : undefined) ??
    (identity && 'session' in identity ? (identity.session as { duration?: string } | undefined)?.duration : undefined);
  return configured === undefined ? undefined : durationSeconds(configured);
}
