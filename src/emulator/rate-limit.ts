import type { Clock } from './clock.js';

export interface RateLimiter {
  /** True if a request may go through now; it then spends one token. */
  tryTake(): boolean;
}

/** A token bucket holding one second of requests, refilled continuously at `perSecond`. */
export const createRateLimiter = (perSecond: number, clock: Clock): RateLimiter => {
  const capacity = Math.max(1, perSecond);
  let tokens = capacity;
  let refilledAt = clock();
  return {
    tryTake: () => {
      const now = clock();
      tokens = Math.min(capacity, tokens + ((now - refilledAt) / 1000) * perSecond);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
};
