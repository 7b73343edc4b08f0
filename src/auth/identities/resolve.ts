import { createHash } from 'node:crypto';
import { formatDuration } from '../../config/duration.js';
import { ExitCode, isRolecallError, RolecallError } from '../../core/errors.js';
import { withLock } from '../../store/lock.js';
import { readStoredRecord } from '../../store/stored-record.js';
import type { Interaction } from '../interaction.js';
import { isPassingFailure } from '../providers/aws-sso/aws-errors.js';
import { discardRejectedSession, ensureSession, type SessionDeps } from '../providers/aws-sso/session.js';
import type { CredentialStep, IdentityChain, PermissionSetStep, UserStep } from './chain.js';
import {
  type AwsCredentials,
  type CachedCredentials,
  credentialsKey,
  parseCachedCredentials,
  parseUserKeys,
  REUSE_WHILE_MS,
  registerCredentials,
  timeLeftMs,
  userKeysKey,
} from './credentials.js';

/** Cached credentials with less than this left are not handed out in place of ones AWS failed to issue. */
const STILL_USABLE_MS = 60 * 1000;
/** A refresh may wait for another process's sign-in, which waits for a person. */
const REFRESH_LOCK_WAIT_MS = 11 * 60 * 1000;

export interface ResolveDeps extends SessionDeps {
  /** How to sign in when the SSO session has expired; without it that is an error (exit 3). */
  signIn?: { interaction: Interaction; flow: 'auto' | 'device'; openBrowser: boolean };
}

export type CredentialSource = 'cache' | 'fetched' | 'store' | 'environment';

export interface ResolvedCredentials {
  credentials: AwsCredentials;
  source: CredentialSource;
  /** Where the credentials are kept, when they are (role credentials, an IAM user's stored keys). */
  storeKey?: string;
  /** When the configured lifetime could not be had, why. */
  durationNote?: string;
  /** The store keys of the chain's cached credentials, root first. */
  chainKeys: string[];
  /**
   * Whether a later run may answer from `storeKey` without resolving the chain again: not for
   * credentials assumed with an IAM user's keys, which may change at any time, nor for keys taken
   * from the environment.
   */
  reusable: boolean;
}

type StepResult = Omit<ResolvedCredentials, 'chainKeys' | 'reusable'>;

/** One resolution: the chain, and the keys its root IAM user has now, if it starts from one. */
interface Resolution {
  chain: IdentityChain;
  deps: ResolveDeps;
  user?: StepResult;
}

/** Credentials assumed with an IAM user's keys belong to those keys: other keys get their own entry. */
function storeKeyOf({ chain, user }: Resolution, index: number): string {
  const fingerprint = chain.fingerprints[index]!;
  if (!user) return credentialsKey(fingerprint);
  const owner = createHash('sha256').update(`${fingerprint}\n${user.credentials.accessKeyId}`).digest('hex');
  return credentialsKey(owner.slice(0, 32));
}

/**
 * The credentials of the chain's last identity: cached ones while they have more than ten minutes
 * left; else, under a lock per identity shared by every rolecall process, fetched once (the processes
 * that waited find them cached), starting from the credentials of the identity before it.
 */
export async function resolveCredentials(chain: IdentityChain, deps: ResolveDeps): Promise<ResolvedCredentials> {
  const root = chain.steps[0]!;
  const resolution: Resolution = { chain, deps, user: root.kind === 'user' ? await userKeys(root, deps) : undefined };
  const result = await resolveStep(resolution, chain.steps.length - 1);
  const chainKeys = chain.steps.flatMap((step, index) => (step.kind === 'user' ? [] : [storeKeyOf(resolution, index)]));
  const reusable = resolution.user === undefined || (chain.steps.length === 1 && result.source === 'store');
  return { ...result, chainKeys, reusable };
}

async function resolveStep(resolution: Resolution, index: number): Promise<StepResult> {
  const { chain, deps } = resolution;
  const step = chain.steps[index]!;
  if (step.kind === 'user') return resolution.user!;
  const key = storeKeyOf(resolution, index);
  const readCached = () =>
    readStoredRecord(deps.store, key, parseCachedCredentials, {
      log: deps.log,
      what: `credentials of ${step.identity}`,
      instead: 'fetching new ones',
    });
  const seen = await readCached();
  if (seen && timeLeftMs(seen, deps.clock.now()) > REUSE_WHILE_MS) return cached(seen, key);
  return withLock(
    deps.dirs,
    key,
    async () => {
      const current = await readCached();
      const left = current ? timeLeftMs(current, deps.clock.now()) : 0;
      // Fetched by another process while this one waited: good to use even when AWS issues credentials
      // shorter than the reuse window, or fifty waiting processes would fetch fifty times.
      const fetchedMeanwhile = current !== undefined && current.fetchedAt !== seen?.fetchedAt;
      if (current && (left > REUSE_WHILE_MS || (fetchedMeanwhile && left > 0))) return cached(current, key);
      let fetched: CachedCredentials;
      try {
        fetched = await fetchStep(resolution, index, step);
      } catch (error) {
        // AWS down or throttling while the cached credentials still hold: they serve until it passes.
        if (!current || left < STILL_USABLE_MS || !isPassingFailure(error)) throw error;
        deps.log.warn(
          `Could not refresh the credentials of ${step.identity} (${(error as Error).message}); using the cached ones, valid for ${formatDuration(Math.floor(left / 1000))} more.`,
        );
        return cached(current, key);
      }
      await deps.store.set(key, JSON.stringify(fetched));
      deps.log.debug(`fetched credentials for ${step.identity}, valid until ${fetched.expiration}`);
      return { credentials: fetched, source: 'fetched' as const, storeKey: key, durationNote: fetched.durationNote };
    },
    { log: deps.log, waitMs: REFRESH_LOCK_WAIT_MS },
  );
}

const cached = (credentials: CachedCredentials, key: string): StepResult => ({
  credentials,
  source: 'cache',
  storeKey: key,
  durationNote: credentials.durationNote,
});

async function fetchStep(
  resolution: Resolution,
  index: number,
  step: Exclude<CredentialStep, UserStep>,
): Promise<CachedCredentials> {
  const { chain, deps } = resolution;
  const fetchedAt = new Date(deps.clock.now()).toISOString();
  if (step.kind === 'permission-set') {
    const credentials = await permissionSetCredentials(step, deps);
    return { ...credentials, fetchedAt, ...permissionSetDuration(step, credentials, deps.clock.now()) };
  }
  const source = await resolveStep(resolution, index - 1);
  const { assumeRole } = await import('./sts.js');
  const assumed = await assumeRole(source.credentials, step, chain.region, deps.env, deps.clock.now());
  registerCredentials(assumed.credentials);
  return {
    ...assumed.credentials,
    fetchedAt,
    requestedSeconds: step.requestedSeconds,
    durationNote: assumed.durationNote,
  };
}

/** GetRoleCredentials has no lifetime to ask for: the permission set's session duration decides. */
function permissionSetDuration(step: PermissionSetStep, credentials: AwsCredentials, now: number) {
  if (step.requestedSeconds === undefined) return {};
  const issuedSeconds = Math.round(timeLeftMs(credentials, now) / 60_000) * 60;
  if (Math.abs(issuedSeconds - step.requestedSeconds) < 5 * 60) return { requestedSeconds: step.requestedSeconds };
  return {
    requestedSeconds: step.requestedSeconds,
    durationNote: `session.duration asks for ${formatDuration(step.requestedSeconds)}, but AWS issued ${formatDuration(issuedSeconds)}: the permission set's session duration decides, and only an administrator can change it`,
  };
}

async function permissionSetCredentials(step: PermissionSetStep, deps: ResolveDeps): Promise<AwsCredentials> {
  const sessionDeps: SessionDeps = deps;
  const loginCommand = `rolecall login --provider ${step.provider}`;
  const signIn = async (force: boolean) =>
    (
      await ensureSession(step.portal, sessionDeps, {
        force,
        flow: deps.signIn?.flow ?? 'device',
        openBrowser: deps.signIn?.openBrowser ?? false,
        interaction: deps.signIn?.interaction,
        loginCommand,
      })
    ).session;
  const { openRoleCredentialsPortal } = await import('../providers/aws-sso/role-credentials.js');
  const fetchWith = async (accessToken: string) => {
    const portal = openRoleCredentialsPortal(step.portal, accessToken, deps.env);
    try {
      const accountId = step.account.id ?? (await portal.accountIdByName(step.account.name!));
      const credentials = await portal.roleCredentials(accountId, step.roleName);
      registerCredentials(credentials);
      return credentials;
    } finally {
      portal.close();
    }
  };
  const session = await signIn(false);
  try {
    return await fetchWith(session.accessToken);
  } catch (error) {
    if (!isRolecallError(error) || error.code !== 'session.invalid') throw error;
    // The session ended at AWS (logged out elsewhere, revoked) while its token had time left.
    await discardRejectedSession(step.portal, sessionDeps, session.accessToken);
    if (!deps.signIn) {
      throw new RolecallError('session.invalid', `the SSO session of ${step.provider} was ended at AWS`, {
        exitCode: ExitCode.auth,
        hint: `run \`${loginCommand}\``,
        cause: error,
      });
    }
    deps.log.info('The SSO session is no longer valid at AWS; signing in again.');
    return fetchWith((await signIn(false)).accessToken);
  }
}

async function userKeys(step: UserStep, deps: ResolveDeps): Promise<StepResult> {
  const key = userKeysKey(step.identity);
  const stored = await readStoredRecord(deps.store, key, parseUserKeys, {
    log: deps.log,
    what: `access keys of ${step.identity}`,
    instead: `store them again with \`rolecall user-keys --identity ${step.identity}\``,
  });
  if (stored) return { credentials: stored, source: 'store', storeKey: key };
  const accessKeyId = deps.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = deps.env['AWS_SECRET_ACCESS_KEY'];
  if (accessKeyId && secretAccessKey) {
    const credentials = { accessKeyId, secretAccessKey, sessionToken: deps.env['AWS_SESSION_TOKEN'] || undefined };
    registerCredentials(credentials);
    return { credentials, source: 'environment' };
  }
  throw new RolecallError('user.no-keys', `identity ${step.identity} (aws/user) has no access keys`, {
    exitCode: ExitCode.auth,
    hint: `store them with \`rolecall user-keys --identity ${step.identity}\`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
  });
}
