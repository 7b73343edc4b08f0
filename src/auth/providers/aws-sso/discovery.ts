import { setMaxListeners } from 'node:events';
import { RolecallError } from '../../../core/errors.js';
import { type Logger, redact } from '../../../core/log.js';
import { awsErrorName, translateAwsError } from './aws-errors.js';
import { PaginationLoop, pages } from './discovery-pages.js';
import { type DiscoveryPortal, openDiscoveryPortal } from './discovery-portal.js';
import {
  DEFAULT_RETRY_POLICY,
  GaveUp,
  type RequestTally,
  type RetryContext,
  type RetryPolicy,
  withRetries,
} from './discovery-retry.js';
import type { RateAdaptationSettings } from './rate-adaptation.js';
import { createRateLimiter, DEFAULT_MAX_IN_FLIGHT } from './rate-limiter.js';

export interface DiscoveredAccount {
  id: string;
  name: string;
  email?: string;
  /** Permission set names, sorted; undefined when listing this account's roles failed after retries. */
  roles?: string[];
  /** Why the roles could not be listed (one line, no secret). */
  error?: string;
}

export interface DiscoveryProgress {
  accountsListed: number;
  accountsDone: number;
  listingComplete: boolean;
  throttled: number;
}

export interface DiscoveryResult {
  accounts: DiscoveredAccount[];
  /** Requests sent, retries included. */
  requests: number;
  /** Requests answered 429. */
  throttled: number;
  /** Requests sent again after a throttle or a transient failure. */
  retries: number;
}

/** Knobs for tests and benchmarks; the defaults are what rolecall uses. */
export interface DiscoveryTuning {
  /** Requests in flight at most, and kept-alive connections. */
  maxInFlight?: number;
  connectTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  rate?: Partial<RateAdaptationSettings>;
  clock?: () => number;
  random?: () => number;
}

const CONNECT_TIMEOUT_MS = 5_000;

/** Accounts waiting for their roles to be listed, handed to workers as pages of accounts arrive. */
class AccountQueue {
  private readonly accounts: DiscoveredAccount[] = [];
  private head = 0;
  private closed = false;
  private readonly sleepers: (() => void)[] = [];

  push(account: DiscoveredAccount): void {
    this.accounts.push(account);
    this.sleepers.shift()?.();
  }

  /** No more accounts will come. */
  close(): void {
    this.closed = true;
    for (const wake of this.sleepers.splice(0)) wake();
  }

  /** The next account, waiting for one if need be; undefined once closed and empty. */
  async next(): Promise<DiscoveredAccount | undefined> {
    for (;;) {
      const account = this.accounts[this.head];
      if (account) {
        this.head++;
        return account;
      }
      if (this.closed) return undefined;
      await new Promise<void>((wake) => this.sleepers.push(wake));
    }
  }
}

const isUnauthorized = (error: unknown): boolean =>
  error instanceof GaveUp && awsErrorName(error.lastError) === 'UnauthorizedException';

/** What went wrong with a listing, as a person can act on it. */
function describeFailure(error: unknown, operation: string, portal: DiscoveryPortal): RolecallError {
  if (error instanceof PaginationLoop) {
    return new RolecallError('aws.pagination-loop', `${operation} never ends (${error.message}); stopped asking`, {
      hint: `try again later; the portal (${portal.endpoint}) kept handing out page tokens, which AWS does not do`,
      cause: error,
    });
  }
  if (!(error instanceof GaveUp)) return translateAwsError(error, operation, portal.endpoint);
  const translated = translateAwsError(error.lastError, operation, portal.endpoint);
  if (error.attempts === 1) return translated;
  return new RolecallError(translated.code, `${translated.message} (${error.attempts} attempts)`, {
    exitCode: translated.exitCode,
    hint: translated.hint,
    cause: error.lastError,
  });
}

const oneLine = (message: string) => redact(message.replace(/\s+/g, ' ').trim());

const byId = (a: DiscoveredAccount, b: DiscoveredAccount) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every account the access token can reach and the permission sets it has in each. Accounts are
 * listed page by page while their roles are listed concurrently, from the first page on, all
 * through one adaptive rate limiter (docs/discovery.md). One account whose roles cannot be listed
 * gets `error` and the run goes on; the run fails (RolecallError) only when the account list itself
 * cannot be had, the session is not valid (exit code 3), or the signal aborts it.
 */
export async function discoverAssignments(input: {
  accessToken: string;
  region: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  onProgress?: (progress: DiscoveryProgress) => void;
  signal?: AbortSignal;
  tuning?: DiscoveryTuning;
}): Promise<DiscoveryResult> {
  const { log, tuning = {} } = input;
  const clock = tuning.clock ?? Date.now;
  const started = clock();
  const maxInFlight = tuning.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const portal = openDiscoveryPortal({
    accessToken: input.accessToken,
    region: input.region,
    env: input.env,
    maxConnections: maxInFlight,
    connectTimeoutMs: tuning.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  });
  const run = new AbortController();
  // Each worker waits on the run's signal in one place at a time (a permit, a request, a back-off).
  setMaxListeners(2 * (maxInFlight + 1), run.signal);
  const cancel = () => run.abort(input.signal?.reason);
  if (input.signal?.aborted) cancel();
  input.signal?.addEventListener('abort', cancel, { once: true });

  const accounts = new Map<string, DiscoveredAccount>();
  const waiting = new AccountQueue();
  const tally: RequestTally = { requests: 0, throttled: 0, retries: 0 };
  let listingComplete = false;
  let accountsDone = 0;
  const report = () =>
    input.onProgress?.({ accountsListed: accounts.size, accountsDone, listingComplete, throttled: tally.throttled });

  const limiter = createRateLimiter({
    adaptation: tuning.rate,
    maxInFlight,
    clock,
    onRateCut: (rate) => log.debug(`discovery: throttled; pacing at ${rate.toFixed(1)} requests/s`),
  });
  const retry: RetryContext = {
    limiter,
    policy: { ...DEFAULT_RETRY_POLICY, ...tuning.retry },
    signal: run.signal,
    random: tuning.random ?? Math.random,
    tally,
    onThrottled: report,
  };

  /** The first failure that ends the run. */
  let failure: unknown;
  const stop = (error: unknown) => {
    failure ??= error;
    run.abort(error);
  };

  const listAccounts = async () => {
    const accountPages = pages((nextToken) =>
      withRetries(retry, (signal) => portal.listAccounts(nextToken, signal), { urgent: true }),
    );
    try {
      for await (const page of accountPages) {
        for (const { id, name, email } of page) {
          if (accounts.has(id)) continue;
          const account: DiscoveredAccount = email ? { id, name, email } : { id, name };
          accounts.set(id, account);
          waiting.push(account);
        }
        report();
      }
      listingComplete = true;
      report();
    } finally {
      // However the listing ends, no more accounts will come: let idle workers finish.
      waiting.close();
    }
  };

  const listRoles = async (account: DiscoveredAccount) => {
    const roles = new Set<string>();
    try {
      const rolePages = pages((nextToken) =>
        withRetries(retry, (signal) => portal.listAccountRoles(account.id, nextToken, signal)),
      );
      for await (const page of rolePages) for (const role of page) roles.add(role);
      account.roles = [...roles].sort();
    } catch (error) {
      if (run.signal.aborted) return;
      const failed = describeFailure(error, 'ListAccountRoles', portal);
      // A session that is not valid any more fails every other account too.
      if (isUnauthorized(error)) return stop(failed);
      account.error = oneLine(failed.message);
      log.debug(`discovery: account ${account.id}: ${account.error}`);
    }
    accountsDone++;
    report();
  };

  const listRolesOfEachAccount = async () => {
    for (let account = await waiting.next(); account && !run.signal.aborted; account = await waiting.next()) {
      await listRoles(account);
    }
  };

  try {
    await Promise.all([
      listAccounts().catch((error: unknown) => {
        if (!run.signal.aborted) stop(describeFailure(error, 'ListAccounts', portal));
      }),
      ...Array.from({ length: maxInFlight }, () => listRolesOfEachAccount().catch(stop)),
    ]);
  } finally {
    input.signal?.removeEventListener('abort', cancel);
    portal.close();
  }

  if (input.signal?.aborted) throw new RolecallError('discovery.cancelled', 'discovery cancelled');
  if (failure !== undefined) throw failure;
  log.debug(
    `discovery: ${accounts.size} accounts in ${clock() - started} ms: ${tally.requests} requests, ` +
      `${tally.throttled} throttled, ${tally.retries} retries; pacing at ${limiter.rate.toFixed(1)} requests/s`,
  );
  return { accounts: [...accounts.values()].sort(byId), ...tally };
}
