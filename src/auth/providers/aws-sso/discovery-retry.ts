import { setTimeout as delay } from 'node:timers/promises';
import { awsErrorName, isNetworkError } from './aws-errors.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * `throttled`: the server asked us to slow down (429); `transient`: it failed or could not be reached
 * and may well answer next time (5xx, reset connection, timeout); `final`: it answered no (401, 403,
 * 400), and asking again would get the same answer.
 */
type FailureKind = 'throttled' | 'transient' | 'final';

export interface RetryPolicy {
  /** Attempts of one request while it is throttled: generous, since the limiter slows down meanwhile. */
  throttledAttempts: number;
  /** Attempts of one request while it fails transiently. */
  transientAttempts: number;
  /** One attempt, from being sent to its answer parsed. */
  attemptTimeoutMs: number;
  /** Back-off before retrying a throttled request: random in [0, min(cap, base·2^(n-1))] ("full jitter"). */
  throttleBackoff: { baseMs: number; capMs: number };
  /** Back-off before retrying after a transient failure: half fixed, half random ("equal jitter"). */
  transientBackoff: { baseMs: number; capMs: number };
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  throttledAttempts: 12,
  transientAttempts: 4,
  attemptTimeoutMs: 30_000,
  throttleBackoff: { baseMs: 100, capMs: 5_000 },
  transientBackoff: { baseMs: 250, capMs: 4_000 },
};

/** Requests sent (every attempt), answered 429, and sent again. */
export interface RequestTally {
  requests: number;
  throttled: number;
  retries: number;
}

export interface RetryContext {
  limiter: RateLimiter;
  policy: RetryPolicy;
  /** Stops everything: waiting for a permit, an attempt in flight, a back-off. */
  signal: AbortSignal;
  random: () => number;
  tally: RequestTally;
  onThrottled?: () => void;
}

/** A request that failed for good, with its last error. */
export class GaveUp extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`, { cause: lastError });
    this.name = 'GaveUp';
  }
}

/** No answer within the attempt timeout: the server or the network stalled. */
class AttemptTimedOut extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

const THROTTLE_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'SlowDown']);

/** The HTTP status of an AWS answer, also of one whose body did not parse (an HTML 5xx page). */
const httpStatus = (error: unknown): number | undefined => {
  const answer = error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } } | null;
  return answer?.$metadata?.httpStatusCode ?? answer?.$response?.statusCode;
};

function failureKind(error: unknown): FailureKind {
  const status = httpStatus(error);
  if (status === 429 || THROTTLE_NAMES.has(awsErrorName(error) ?? '')) return 'throttled';
  if ((status !== undefined && status >= 500) || isNetworkError(error)) return 'transient';
  return 'final';
}

const backoffMs = (policy: RetryPolicy, kind: FailureKind, retry: number, random: () => number): number => {
  const { baseMs, capMs } = kind === 'throttled' ? policy.throttleBackoff : policy.transientBackoff;
  const ceiling = Math.min(capMs, baseMs * 2 ** (retry - 1));
  return kind === 'throttled' ? random() * ceiling : ceiling / 2 + (random() * ceiling) / 2;
};

async function attemptWithin<T>(
  timeoutMs: number,
  signal: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const attempt = new AbortController();
  const timer = setTimeout(
    () => attempt.abort(new AttemptTimedOut(`no answer within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  const stop = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await call(attempt.signal);
  } catch (error) {
    // The SDK reports an aborted request as a generic AbortError; say why it was aborted.
    throw attempt.signal.reason instanceof AttemptTimedOut ? attempt.signal.reason : error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

/**
 * Sends one request through the shared limiter, retrying throttles and transient failures within
 * the policy's bounds. Throws GaveUp when it fails for good, or the abort reason when stopped.
 */
export async function withRetries<T>(
  context: RetryContext,
  call: (signal: AbortSignal) => Promise<T>,
  options: { urgent?: boolean } = {},
): Promise<T> {
  const { limiter, policy, signal, tally } = context;
  const allowed: Record<FailureKind, number> = {
    throttled: policy.throttledAttempts,
    transient: policy.transientAttempts,
    final: 1,
  };
  const failures: Record<FailureKind, number> = { throttled: 0, transient: 0, final: 0 };
  for (let attempt = 1; ; attempt++) {
    const permit = await limiter.acquire({ signal, urgent: options.urgent });
    tally.requests++;
    let error: unknown;
    try {
      const result = await attemptWithin(policy.attemptTimeoutMs, signal, call);
      permit.done('answered');
      return result;
    } catch (caught) {
      error = caught;
    }
    const kind = failureKind(error);
    permit.done(kind === 'throttled' ? 'throttled' : httpStatus(error) === undefined ? 'failed' : 'answered');
    if (signal.aborted) throw signal.reason;
    if (kind === 'throttled') {
      tally.throttled++;
      context.onThrottled?.();
    }
    const count = ++failures[kind];
    if (count >= allowed[kind]) throw new GaveUp(error, attempt);
    tally.retries++;
    await delay(backoffMs(policy, kind, count, context.random), undefined, { signal });
  }
}
