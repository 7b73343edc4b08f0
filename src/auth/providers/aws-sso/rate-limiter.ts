import { setTimeout as delay } from 'node:timers/promises';
import { AdaptiveRate, type RateAdaptationSettings } from './rate-adaptation.js';

/**
 * `answered`: any answer but a throttle, an error too (the server spent its capacity on it);
 * `failed`: no answer came (reset, timeout).
 */
export type RequestOutcome = 'answered' | 'throttled' | 'failed';

/** The right to send one request now. */
export interface Permit {
  /** Reports how the request went and frees its place; once per permit. */
  done(outcome: RequestOutcome): void;
}

/**
 * One limiter for every request of a run, so that all of them share what the server said: requests
 * go out paced by a token bucket at the adaptive rate, with a cap on how many are in flight.
 */
export interface RateLimiter {
  /** Waits for a permit. Urgent callers go first (the account list, which feeds everything else). */
  acquire(options?: { signal?: AbortSignal; urgent?: boolean }): Promise<Permit>;
  /** Requests per second allowed now. */
  readonly rate: number;
}

export interface RateLimiterOptions {
  adaptation?: Partial<RateAdaptationSettings>;
  maxInFlight?: number;
  clock?: () => number;
  /** Waits (the pacing timer); injectable with the clock so tests can run on simulated time. */
  sleep?: (ms: number) => Promise<void>;
  /** Called when a throttle lowers the rate. */
  onRateCut?: (rate: number) => void;
}

/** Enough for a run at the top rate AWS is known to allow, with its latencies. */
export const DEFAULT_MAX_IN_FLIGHT = 50;

/** A short burst smooths timer jitter without letting idle time build up a flood. */
const BURST_SECONDS = 0.1;

interface Waiter {
  grant(permit: Permit): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const adaptive = new AdaptiveRate(options.adaptation ?? {}, clock);
  const urgent: Waiter[] = [];
  const normal: Waiter[] = [];
  let inFlight = 0;
  let tokens = 1;
  let refilledAt = clock();
  let timerSet = false;

  const refill = (now: number, rate: number) => {
    tokens = Math.min(Math.max(1, rate * BURST_SECONDS), tokens + ((now - refilledAt) / 1000) * rate);
    refilledAt = now;
  };

  const permitFor = (sentAt: number): Permit => {
    let open = true;
    return {
      done(outcome) {
        if (!open) return;
        open = false;
        inFlight--;
        if (outcome === 'answered') adaptive.recordAnswered();
        if (outcome === 'throttled' && adaptive.recordThrottle(sentAt)) options.onRateCut?.(adaptive.current());
        pump();
      },
    };
  };

  const pump = (): void => {
    if (timerSet) return;
    while (inFlight < maxInFlight) {
      const queue = urgent.length > 0 ? urgent : normal;
      const waiter = queue[0];
      if (!waiter) return;
      const now = clock();
      const rate = adaptive.current();
      refill(now, rate);
      if (tokens < 1) {
        timerSet = true;
        void sleep(Math.ceil(((1 - tokens) * 1000) / rate)).then(() => {
          timerSet = false;
          pump();
        });
        return;
      }
      queue.shift();
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      tokens -= 1;
      inFlight++;
      adaptive.recordSent();
      waiter.grant(permitFor(now));
    }
  };

  return {
    acquire({ signal, urgent: isUrgent = false } = {}) {
      return new Promise<Permit>((grant, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const queue = isUrgent ? urgent : normal;
        const waiter: Waiter = {
          grant,
          signal,
          onAbort: () => {
            queue.splice(queue.indexOf(waiter), 1);
            reject(signal?.reason);
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
    get rate() {
      return adaptive.current();
    },
  };
}
