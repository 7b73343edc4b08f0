import { describe, expect, it } from 'vitest';
import { generateOrg } from '../../src/emulator/index.js';
import { everyAssignment, quickRetries, signedIn, unpaced } from './helpers.js';

describe('discovery rides out throttling', () => {
  it('under a rate limit of 10 requests/s, ends with what an unthrottled run finds', async () => {
    const org = generateOrg(40, 2);
    const { emu, discover } = await signedIn({ org, rateLimit: 10 });

    const result = await discover({ tuning: quickRetries });

    expect(result.accounts).toEqual(everyAssignment(org));
    expect(result.throttled).toBeGreaterThan(0);
    expect(result.throttled).toBe(emu.stats().throttled);
    expect(result.requests).toBe(41 + result.throttled);
  });

  it('through storms of injected 429s on both listings, ends with what a fault-free run finds', async () => {
    const org = generateOrg(60, 3);
    const { emu, discover } = await signedIn({ org });
    const faultFree = await discover({ tuning: unpaced });
    emu.injectFault({ operation: 'ListAccounts', error: 'TooManyRequestsException', count: 2 });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'TooManyRequestsException', count: 15 });

    const result = await discover({ tuning: quickRetries });

    expect(result.accounts).toEqual(faultFree.accounts);
    expect(result).toMatchObject({ throttled: 17, retries: 17, requests: 61 + 17 });
  });
});
