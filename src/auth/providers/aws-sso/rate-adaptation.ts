/**
 * How fast to call an API that publishes no rate limit and answers 429 beyond it: start at a guess,
 * double every second until the first throttle (slow start), then on each throttle cut to a little
 * below what the server actually answered over the last second and climb back along a cubic curve
 * (as TCP CUBIC and the AWS SDKs' adaptive retry mode do): fast while far below the rate that last
 * throttled, flat near it, then probing past it ever faster, so the rate recovers by itself when
 * throttling stops and finds a higher limit when the server allows one.
 */
export interface RateAdaptationSettings {
  /** Requests per second at the start. */
  initial: number;
  /** Never slower than this, however hard the throttling. */
  min: number;
  /** Never faster than this, however quiet the server. */
  max: number;
  /** On a throttle, the rate becomes this fraction of the answers (all but 429s) over the last second… */
  backoff: number;
  /**
   * …but one throttle cuts it at most to this fraction of what it was: a few requests answered 429
   * at the start of a run are too few to measure a throughput by.
   */
  deepestCut: number;
  /** CUBIC's C, in requests/s per s³: how fast the rate climbs back and then probes. */
  growth: number;
  /** After a cut, throttles are the same signal for this long (in-flight requests answering late). */
  coolDownMs: number;
}

/** AWS's portal throttles at roughly 20 requests/s per Identity Center instance and publishes no figure. */
export const DEFAULT_RATE_ADAPTATION: RateAdaptationSettings = {
  initial: 20,
  min: 1,
  max: 1000,
  backoff: 0.9,
  deepestCut: 0.5,
  growth: 0.4,
  coolDownMs: 1000,
};

const WINDOW_MS = 1000;
/** Early in a run the window is not full yet; rates over less than this would be noise. */
const SHORTEST_WINDOW_MS = 250;

/** Timestamps of events in the last second. */
class RecentEvents {
  private readonly times: number[] = [];
  private head = 0;

  add(now: number): void {
    this.times.push(now);
  }

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? now) <= now - WINDOW_MS) this.head++;
    // Drop the expired prefix now and then, so memory follows the rate rather than the run's length.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

export class AdaptiveRate {
  private readonly settings: RateAdaptationSettings;
  private readonly startedAt: number;
  private readonly sent = new RecentEvents();
  private readonly answered = new RecentEvents();
  /** The last cut: when, the rate answered then (CUBIC's W_max), and when the curve gets back to it. */
  private cut: { at: number; ceiling: number; secondsToCeiling: number } | undefined;

  constructor(
    settings: Partial<RateAdaptationSettings>,
    private readonly clock: () => number,
  ) {
    this.settings = { ...DEFAULT_RATE_ADAPTATION, ...settings };
    this.startedAt = clock();
  }

  /** Requests per second allowed now. */
  current(): number {
    const now = this.clock();
    const { initial, min, max, growth } = this.settings;
    const curve = this.cut
      ? this.cut.ceiling + growth * ((now - this.cut.at) / 1000 - this.cut.secondsToCeiling) ** 3
      : initial * 2 ** ((now - this.startedAt) / 1000);
    // A rate that is never used proves nothing: while demand is low the curve would run away and then
    // burst, so it may not exceed twice what was actually sent lately.
    const demand = Math.max(initial, 2 * this.perSecond(this.sent, now));
    return clamp(Math.min(curve, demand), min, max);
  }

  recordSent(): void {
    this.sent.add(this.clock());
  }

  recordAnswered(): void {
    this.answered.add(this.clock());
  }

  /**
   * A request sent at `sentAt` was throttled. Returns whether that cut the rate: a burst of 429s for
   * requests sent before the last cut, or within its cool-down, is the signal already acted on.
   */
  recordThrottle(sentAt: number): boolean {
    const now = this.clock();
    if (this.cut && (sentAt < this.cut.at || now - this.cut.at < this.settings.coolDownMs)) return false;
    const { min, max, backoff, deepestCut, growth } = this.settings;
    const current = this.current();
    const answered = this.perSecond(this.answered, now);
    const next = clamp(Math.min(current, Math.max(backoff * answered, deepestCut * current)), min, max);
    const ceiling = Math.max(next, Math.min(current, answered));
    this.cut = { at: now, ceiling, secondsToCeiling: Math.cbrt((ceiling - next) / growth) };
    return true;
  }

  private perSecond(events: RecentEvents, now: number): number {
    const window = clamp(now - this.startedAt, SHORTEST_WINDOW_MS, WINDOW_MS);
    return (events.count(now) * 1000) / window;
  }
}
