import { describe, expect, it } from 'vitest';
import { generateOrg, type RequestLogEntry } from '../../src/emulator/index.js';
import { everyAssignment, signedIn, unpaced } from './helpers.js';

/** When each portal request arrived and was answered, from the emulator's request log. */
const requestTimeline = () => {
  const requests: { operation: string; arrived: number; answered: number }[] = [];
  const onRequest = (entry: RequestLogEntry) => {
    const answered = performance.now();
    requests.push({ operation: entry.operation, arrived: answered - entry.durationMs, answered });
  };
  return { requests, onRequest };
};

const mostAtOnce = (intervals: { arrived: number; answered: number }[]) =>
  Math.max(
    ...intervals.map(
      ({ arrived }) => intervals.filter((other) => other.arrived <= arrived && arrived < other.answered).length,
    ),
  );

describe('discovery runs concurrently', () => {
  it('starts listing roles as soon as the first page of accounts arrives', async () => {
    const timeline = requestTimeline();
    const org = generateOrg(250, 2);
    const { discover } = await signedIn({ org, latencyMs: 60, onRequest: timeline.onRequest });

    expect((await discover({ tuning: unpaced })).accounts).toEqual(everyAssignment(org));

    const accountPages = timeline.requests.filter((request) => request.operation === 'ListAccounts');
    const roleRequests = timeline.requests.filter((request) => request.operation === 'ListAccountRoles');
    expect(accountPages).toHaveLength(3);
    const lastPageAsked = Math.max(...accountPages.map((page) => page.arrived));
    const rolesBefore = roleRequests.filter((request) => request.arrived < lastPageAsked);
    expect(rolesBefore.length).toBeGreaterThanOrEqual(10);
    expect(mostAtOnce(roleRequests)).toBeGreaterThan(10);
  });

  it('keeps no more than its cap of requests in flight', async () => {
    const timeline = requestTimeline();
    const org = generateOrg(60, 1);
    const { discover } = await signedIn({ org, latencyMs: 40, onRequest: timeline.onRequest });

    await discover({ tuning: { ...unpaced, maxInFlight: 4 } });

    expect(mostAtOnce(timeline.requests)).toBeLessThanOrEqual(4);
  });

  it('reports progress as accounts are listed and done', async () => {
    const org = generateOrg(250, 1);
    const { discover } = await signedIn({ org, latencyMs: 50 });
    const seen: { accountsListed: number; accountsDone: number; listingComplete: boolean }[] = [];

    await discover({ tuning: unpaced, onProgress: (progress) => seen.push({ ...progress }) });

    expect(seen.some((progress) => progress.accountsListed === 100 && !progress.listingComplete)).toBe(true);
    expect(seen.some((progress) => progress.accountsDone > 0 && !progress.listingComplete)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ accountsListed: 250, accountsDone: 250, listingComplete: true, throttled: 0 });
  });
});
