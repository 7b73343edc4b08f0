/**
 * Time that moves only when the test runs it: `sleep` registers a timer, `runUntil` fires timers in
 * order, letting every promise settle in between, so code paced by timers runs deterministically and
 * in no real time at all.
 */
export function simulatedTime(start = 0) {
  let now = start;
  let sequence = 0;
  const timers: { at: number; sequence: number; fire: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    clock: () => now,
    sleep: (ms: number) =>
      new Promise<void>((fire) => {
        timers.push({ at: now + Math.max(0, ms), sequence: sequence++, fire });
      }),
    async runUntil(until: number): Promise<void> {
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = next.at;
        next.fire();
      }
      now = Math.max(now, until);
      await settle();
    },
  };
}

/** A seeded pseudo-random generator (mulberry32), so jitter is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
