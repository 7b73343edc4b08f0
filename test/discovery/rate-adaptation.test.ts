import { describe, expect, it } from 'vitest';
import { AdaptiveRate, DEFAULT_RATE_ADAPTATION } from '../../src/auth/providers/aws-sso/rate-adaptation.js';

/** A rate adapter on a clock that moves only when told, and a caller that keeps it busy. */
const adapter = (settings = {}) => {
  let now = 0;
  const rate = new AdaptiveRate(settings, () => now);
  return {
    rate,
    at(ms: number) {
      now = ms;
      return rate;
    },
    /** `count` requests sent (and, unless told otherwise, answered) evenly over the second before `ms`. */
    traffic(ms: number, count: number, answered = count) {
      for (let index = 0; index < count; index++) {
        now = ms - 1000 + ((index + 1) * 1000) / count;
        rate.recordSent();
        if (index < answered) rate.recordAnswered();
      }
      now = ms;
    },
  };
};

describe('the adaptive rate', () => {
  it('starts at about 20 requests/s, the rate AWS’s portal allows', () => {
    expect(adapter().rate.current()).toBe(20);
    expect(DEFAULT_RATE_ADAPTATION.initial).toBe(20);
  });

  it('doubles every second while nothing is throttled, as long as the requests are there to use it', () => {
    const subject = adapter();
    subject.traffic(1000, 30);
    expect(subject.rate.current()).toBeCloseTo(40);
    subject.traffic(2000, 60);
    expect(subject.rate.current()).toBeCloseTo(80);
  });

  it('does not grow past twice what was actually sent, so an idle spell cannot end in a flood', () => {
    const subject = adapter();
    subject.at(5000);
    expect(subject.rate.current()).toBe(20);
    subject.traffic(6000, 25);
    expect(subject.rate.current()).toBeCloseTo(50);
  });

  it('on a throttle, cuts to 0.9 of what the server answered over the last second', () => {
    const subject = adapter();
    subject.traffic(3000, 160, 100);
    expect(subject.rate.current()).toBeCloseTo(160);
    expect(subject.rate.recordThrottle(2990)).toBe(true);
    expect(subject.rate.current()).toBeCloseTo(90);
  });

  it('cuts at most by half per throttle, since a few 429s are too few to measure a throughput by', () => {
    const subject = adapter();
    subject.at(100);
    subject.rate.recordSent();
    expect(subject.rate.recordThrottle(0)).toBe(true);
    expect(subject.rate.current()).toBeCloseTo(10);
  });

  it('halves once a second while nothing gets through, down to its floor and no further', () => {
    const subject = adapter({ min: 2 });
    const rates: number[] = [];
    for (let second = 1; second <= 6; second++) {
      subject.traffic(second * 1000, 20, 0);
      subject.rate.recordThrottle(second * 1000 - 10);
      rates.push(subject.rate.current());
    }
    expect(rates[0]).toBeCloseTo(20);
    for (const [second, rate] of rates.entries()) {
      if (second > 0) expect(rate).toBeLessThanOrEqual(Math.max(2, rates[second - 1]! * 0.6));
    }
    expect(rates.slice(-2)).toEqual([2, 2]);
  });

  it('takes a burst of 429s for requests sent before the cut as the one signal it already acted on', () => {
    const subject = adapter();
    subject.traffic(3000, 160, 100);
    expect(subject.rate.recordThrottle(2990)).toBe(true);
    subject.at(3300);
    expect(subject.rate.recordThrottle(2995)).toBe(false);
    expect(subject.rate.recordThrottle(3100)).toBe(false); // sent after the cut, but within the cool-down
    subject.at(4100);
    expect(subject.rate.recordThrottle(4050)).toBe(true);
  });

  it('climbs back to the rate that last succeeded, stays near it, then probes past it', () => {
    const subject = adapter();
    subject.traffic(3000, 160, 100);
    subject.rate.recordThrottle(2990);
    const secondsToCeiling = Math.cbrt(10 / DEFAULT_RATE_ADAPTATION.growth);
    const rateAfter = (seconds: number) => {
      subject.traffic(3000 + seconds * 1000, 200);
      return subject.rate.current();
    };
    expect(rateAfter(1)).toBeGreaterThan(95);
    expect(rateAfter(secondsToCeiling)).toBeCloseTo(100);
    expect(rateAfter(secondsToCeiling + 1)).toBeCloseTo(100.4);
    expect(rateAfter(secondsToCeiling + 3)).toBeCloseTo(110.8);
  });

  it('never exceeds its ceiling however quiet the server', () => {
    const subject = adapter({ max: 150 });
    subject.traffic(3000, 1000);
    expect(subject.rate.current()).toBe(150);
  });
});
