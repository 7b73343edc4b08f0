import { ExitCode, RolecallError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { withLock } from '../../../store/lock.js';
import type { StateDirs } from '../../../store/paths.js';
import type { SecureStore } from '../../../store/secure-store.js';
import { readStoredRecord } from '../../../store/stored-record.js';
import type { Clock, Interaction } from '../../interaction.js';
import { findAwsCliSession } from './aws-cli-cache.js';
import { type Portal, portalKey } from './portal.js';
import { parseSession, remainingMs, type SsoSession } from './records.js';

/**
 * A token with less than this left is refreshed first: long enough for the calls that follow it, and
 * the window botocore also uses.
 */
export const REFRESH_BEFORE_MS = 10 * 60 * 1000;
/** How recent a renewal counts as "just renewed", and how long such a session must still last. */
const MIN_FRESH_MS = 60 * 1000;
/** A login may wait for a person as long as a device code lives; other processes wait for it. */
const LOGIN_LOCK_WAIT_MS = 11 * 60 * 1000;

export interface SessionDeps {
  store: SecureStore;
  dirs: StateDirs;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  home: string;
  log: Logger;
}

export interface SignInOptions {
  /** Sign in again even when a valid session exists. */
  force?: boolean;
  /** `device` for the device-code flow; `auto` picks PKCE where a browser can open. */
  flow: 'auto' | 'device';
  /** False with `--no-browser`: print URLs, open nothing. */
  openBrowser: boolean;
  /** How to reach the person; without it, an expired session is an error instead of a sign-in. */
  interaction?: Interaction;
  /** The command that signs in, for messages (`rolecall login --provider sso-prod`). */
  loginCommand: string;
}

export type SessionSource = 'store' | 'refreshed' | 'aws-cli' | 'login';

export const sessionKey = (portal: Portal) => `sso-session:${portalKey(portal)}`;

/**
 * Good to use as it is: outside the refresh window, or renewed within the last minute (by this or
 * another process) and not about to expire, so that a portal issuing tokens shorter than the window
 * does not make every process renew again.
 */
function usable(session: SsoSession | undefined, now: number): session is SsoSession {
  if (session === undefined) return false;
  const remaining = remainingMs(session.expiresAt, now);
  if (remaining > REFRESH_BEFORE_MS) return true;
  const age = session.issuedAt === undefined ? Number.POSITIVE_INFINITY : now - Date.parse(session.issuedAt);
  return age < MIN_FRESH_MS && remaining > MIN_FRESH_MS;
}

/**
 * A valid SSO session for the portal: the stored one while it lasts; else, under a lock shared by
 * every rolecall process for this portal, a refresh, an AWS CLI login for the same portal, or a new
 * sign-in. Twenty processes that find the token expired cause one refresh or one sign-in: the others
 * wait on the lock and then find the new session.
 */
export async function ensureSession(
  portal: Portal,
  deps: SessionDeps,
  options: SignInOptions,
): Promise<{ session: SsoSession; source: SessionSource }> {
  const key = sessionKey(portal);
  const report = { log: deps.log, what: `SSO session for ${portal.startUrl}`, instead: 'the next sign-in replaces it' };
  const stored = await readStoredRecord(deps.store, key, parseSession, report);
  if (!options.force && usable(stored, deps.clock.now())) return { session: stored, source: 'store' };

  return withLock(
    deps.dirs,
    key,
    async () => {
      const current = await readStoredRecord(deps.store, key, parseSession, report);
      // Another process may have refreshed or signed in while this one waited (also under --force).
      const renewedMeanwhile = current !== undefined && current.accessToken !== stored?.accessToken;
      if ((renewedMeanwhile || !options.force) && usable(current, deps.clock.now())) {
        return { session: current, source: 'store' as const };
      }
      const save = async (renewed: SsoSession, source: SessionSource) => {
        const session = { ...renewed, issuedAt: new Date(deps.clock.now()).toISOString() };
        await deps.store.set(key, JSON.stringify(session));
        return { session, source };
      };
      if (!options.force) {
        if (current?.refreshToken) {
          const { refreshSession } = await import('./sign-in.js');
          const refreshed = await refreshSession(current, deps);
          if (refreshed) return save(refreshed, 'refreshed');
        }
        const fromCli = findAwsCliSession(deps.home, portal, deps.clock.now(), REFRESH_BEFORE_MS);
        if (fromCli) return save(fromCli, 'aws-cli');
      }
      if (!options.interaction) {
        throw new RolecallError('session.missing', `not signed in to ${portal.startUrl}, or the session has expired`, {
          exitCode: ExitCode.auth,
          hint: `run \`${options.loginCommand}\``,
        });
      }
      const { signIn } = await import('./sign-in.js');
      return save(await signIn(portal, deps, { ...options, interaction: options.interaction }), 'login');
    },
    { log: deps.log, waitMs: LOGIN_LOCK_WAIT_MS },
  );
}

/**
 * Forgets a session AWS no longer accepts (ended elsewhere, revoked) though its token had time left,
 * so that the next `login` signs in instead of calling it valid. Only if the store still holds that
 * token: another process may have signed in again meanwhile.
 */
export async function discardRejectedSession(portal: Portal, deps: SessionDeps, accessToken: string): Promise<void> {
  const key = sessionKey(portal);
  await withLock(
    deps.dirs,
    key,
    async () => {
      if (parseSession(await deps.store.get(key))?.accessToken === accessToken) await deps.store.delete(key);
    },
    { log: deps.log },
  );
}
