import { describe, expect, it } from 'vitest';
import { createRateLimiter, type Permit } from '../../src/auth/providers/aws-sso/rate-limiter.js';
import { seededRandom, simulatedTime } from './simulated-time.js';

const limiterOnSimulatedTime = (options: Parameters<typeof createRateLimiter>[0] = {}) => {
  const time = simulatedTime();
  const limiter = createRateLimiter({ clock: time.clock, sleep: time.sleep, ...options });
  return { time, limiter };
};

/**
 * `requests` requests through the limiter to a simulated portal that answers after `latencyMs` and
 * throttles beyond `serverRate(now)` requests/s (a token bucket holding one second, as the emulator
 * does), retried after a jittered back-off when throttled, 50 at a time.
 */
async function simulateDiscovery(input: { requests: number; latencyMs: number; serverRate: (now: number) => number }) {
  const { time, limiter } = limiterOnSimulatedTime();
  const random = seededRandom(7);
  let tokens = input.serverRate(0);
  let refilledAt = 0;
  const serverAccepts = () => {
    const now = time.clock();
    const rate = input.serverRate(now);
    tokens = Math.min(rate, tokens + ((now - refilledAt) / 1000) * rate);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const answeredAt: number[] = [];
  let throttled = 0;
  const send = async () => {
    for (let attempt = 1; ; attempt++) {
      const permit = await limiter.acquire();
      await time.sleep(input.latencyMs);
      if (serverAccepts()) {
        permit.done('answered');
        answeredAt.push(time.clock());
        return;
      }
      permit.done('throttled');
      throttled++;
      await time.sleep(random() * Math.min(5000, 100 * 2 ** (attempt - 1)));
    }
  };
  let started = 0;
  const worker = async () => {
    while (started < input.requests) {
      started++;
      await send();
    }
  };
  const all = Promise.all(Array.from({ length: 50 }, worker));
  await time.runUntil(3_600_000);
  await all;
  return { answeredAt, throttled, finishedAt: Math.max(...answeredAt), limiter };
}

describe('the shared rate limiter', () => {
  it('paces requests at its rate: about 20 in the first second', async () => {
    const { time, limiter } = limiterOnSimulatedTime();
    const granted: number[] = [];
    for (let index = 0; index < 100; index++) {
      void limiter.acquire().then((permit) => {
        granted.push(time.clock());
        permit.done('answered');
      });
    }
    await time.runUntil(999);
    // Slow start has it a little above 20 by the end of the first second.
    expect(granted.length).toBeGreaterThanOrEqual(20);
    expect(granted.length).toBeLessThanOrEqual(30);
    expect(granted[1]! - granted[0]!).toBeGreaterThanOrEqual(49);
  });

  it('never lets more than its cap be in flight, and lets the next one go when one is done', async () => {
    const { time, limiter } = limiterOnSimulatedTime({ maxInFlight: 3 });
    const held: Permit[] = [];
    for (let index = 0; index < 10; index++) void limiter.acquire().then((permit) => held.push(permit));
    await time.runUntil(10_000);
    expect(held).toHaveLength(3);
    held[0]!.done('answered');
    held[0]!.done('answered'); // a second report of the same request changes nothing
    await time.runUntil(11_000);
    expect(held).toHaveLength(4);
  });

  it('serves urgent requests first', async () => {
    const { time, limiter } = limiterOnSimulatedTime({ maxInFlight: 1 });
    const order: string[] = [];
    const take = (name: string, urgent = false) =>
      void limiter.acquire({ urgent }).then((permit) => {
        order.push(name);
        permit.done('answered');
      });
    take('first');
    take('roles-1');
    take('roles-2');
    take('accounts', true);
    await time.runUntil(1000);
    expect(order).toEqual(['first', 'accounts', 'roles-1', 'roles-2']);
  });

  it('drops a wait whose signal aborts, with the signal’s reason, and serves the others', async () => {
    const { time, limiter } = limiterOnSimulatedTime({ maxInFlight: 1 });
    const first = await limiter.acquire();
    const abort = new AbortController();
    const aborted = limiter.acquire({ signal: abort.signal });
    const next = limiter.acquire();
    abort.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    first.done('answered');
    await time.runUntil(1000);
    await expect(next).resolves.toBeDefined();
    await expect(limiter.acquire({ signal: abort.signal })).rejects.toThrow('stop');
  });

  it('settles just under a server limit of 100/s: 2,000 requests within 10% of the 20 s floor', async () => {
    const run = await simulateDiscovery({ requests: 2000, latencyMs: 30, serverRate: () => 100 });
    expect(run.answeredAt).toHaveLength(2000);
    // The server's one-second bucket lets the first 100 through for free, so the floor is 19 s.
    expect(run.finishedAt).toBeLessThan(20_000 * 1.1);
    expect(run.throttled).toBeLessThan(200);
  });

  it('backs off under a server limit of 20/s, the real portal’s, and wastes few requests on 429s', async () => {
    const run = await simulateDiscovery({ requests: 400, latencyMs: 100, serverRate: () => 20 });
    expect(run.finishedAt).toBeLessThan(20_000 * 1.1);
    expect(run.throttled).toBeLessThan(60);
  });

  it('recovers when throttling stops: from 5/s back up to a server that allows 100/s', async () => {
    const run = await simulateDiscovery({
      requests: 2500,
      latencyMs: 30,
      serverRate: (now) => (now < 10_000 ? 5 : 100),
    });
    const lastFiveSeconds = run.answeredAt.filter((at) => at > run.finishedAt - 5000).length;
    expect(lastFiveSeconds / 5).toBeGreaterThan(85);
  });
});
