import { ExitCode, RolecallError } from '../../../core/errors.js';
import { authorizationCodeLogin } from './authorization-code-flow.js';
import { deviceCodeLogin } from './device-flow.js';
import { GrantRejected, OidcApi, type TokenGrant } from './oidc-api.js';
import type { Portal } from './portal.js';
import { remainingMs, type SsoSession } from './records.js';
import { clientRegistration, registrationKey } from './registration.js';
import type { SessionDeps, SignInOptions } from './session.js';

const sessionFrom = (
  portal: Portal,
  grant: TokenGrant,
  client: { clientId: string; clientSecret: string; expiresAt: string },
  now: number,
): SsoSession => ({
  startUrl: portal.startUrl,
  region: portal.region,
  accessToken: grant.accessToken,
  expiresAt: new Date(now + grant.expiresInSeconds * 1000).toISOString(),
  ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
  clientId: client.clientId,
  clientSecret: client.clientSecret,
  registrationExpiresAt: client.expiresAt,
});

/**
 * Exchanges the refresh token for a new access token (refresh tokens rotate: the new one replaces the
 * old). Undefined when AWS no longer accepts the grant or the client, so the caller signs in again.
 */
export async function refreshSession(session: SsoSession, deps: SessionDeps): Promise<SsoSession | undefined> {
  const { clientId, clientSecret, refreshToken, registrationExpiresAt } = session;
  if (!clientId || !clientSecret || !refreshToken) return undefined;
  if (registrationExpiresAt && remainingMs(registrationExpiresAt, deps.clock.now()) <= 0) return undefined;
  const api = new OidcApi(session.region, deps.env);
  try {
    const grant = await api.createToken({ grantType: 'refresh_token', refreshToken, clientId, clientSecret });
    deps.log.debug(`refreshed the SSO session for ${session.startUrl}`);
    return {
      ...session,
      accessToken: grant.accessToken,
      expiresAt: new Date(deps.clock.now() + grant.expiresInSeconds * 1000).toISOString(),
      refreshToken: grant.refreshToken ?? refreshToken,
    };
  } catch (error) {
    if (error instanceof GrantRejected) {
      deps.log.debug(`the refresh token was not accepted (${error.message}); signing in again`);
      return undefined;
    }
    // A network failure while the token still works: use it, and try refreshing next time.
    if (remainingMs(session.expiresAt, deps.clock.now()) > 60_000) {
      deps.log.warn(`could not refresh the SSO session (${(error as Error).message}); using the current token`);
      return session;
    }
    throw error;
  }
}

/**
 * A new sign-in: the authorization-code flow with PKCE where a browser can open, else (or with
 * `--use-device-code`) the device-code flow. A registration AWS no longer accepts is replaced once.
 */
export async function signIn(
  portal: Portal,
  deps: SessionDeps,
  options: SignInOptions & { interaction: NonNullable<SignInOptions['interaction']> },
): Promise<SsoSession> {
  const api = new OidcApi(portal.region, deps.env);
  const flow = options.flow === 'device' || !options.interaction.canOpenBrowser ? 'device' : 'pkce';
  deps.log.debug(
    `signing in to ${portal.startUrl} with the ${flow === 'pkce' ? 'authorization-code (PKCE)' : 'device-code'} flow`,
  );
  for (let attempt = 1; ; attempt++) {
    const client = await clientRegistration({ api, store: deps.store, log: deps.log, clock: deps.clock, portal, flow });
    const credentials = { clientId: client.clientId, clientSecret: client.clientSecret };
    try {
      const grant =
        flow === 'pkce'
          ? await authorizationCodeLogin({
              api,
              client: credentials,
              interaction: options.interaction,
              clock: deps.clock,
              openBrowser: options.openBrowser,
            })
          : await deviceCodeLogin({
              api,
              client: credentials,
              portal,
              interaction: options.interaction,
              clock: deps.clock,
              openBrowser: options.openBrowser,
            });
      return sessionFrom(portal, grant, client, deps.clock.now());
    } catch (error) {
      if (!(error instanceof GrantRejected)) throw error;
      if (attempt > 1) {
        throw new RolecallError(
          'login.rejected',
          `${portal.startUrl} rejected the sign-in, also with a new client registration`,
          {
            exitCode: ExitCode.auth,
            hint: 'try again later; if it persists, check the start URL and region in the configuration',
            cause: error,
          },
        );
      }
      deps.log.debug('the client registration was not accepted; registering again');
      await deps.store.delete(registrationKey(portal, flow));
    }
  }
}
