import { describe, expect, it } from 'vitest';
import { generateOrg } from '../../src/emulator/index.js';
import { fakePortal } from './fake-portal.js';
import { discoverWith, everyAssignment, quickRetries, signedIn, unpaced } from './helpers.js';

describe('discovery rides out transient failures', () => {
  it('through bursts of 5xx answers, ends with what a fault-free run finds', async () => {
    const org = generateOrg(60, 3);
    const { emu, discover } = await signedIn({ org });
    emu.injectFault({ operation: 'ListAccounts', error: 'InternalServerException', count: 3 });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'ServiceUnavailableException', status: 503, count: 10 });

    const result = await discover({ tuning: { ...unpaced, ...quickRetries } });

    expect(result.accounts).toEqual(everyAssignment(org));
    expect(result).toMatchObject({ throttled: 0, retries: 13, requests: 61 + 13 });
  });

  it('through HTML error pages from a proxy in front of the portal', async () => {
    let gatewayErrors = 2;
    const portal = await fakePortal((path) => {
      if (gatewayErrors > 0) {
        gatewayErrors--;
        return { status: 502, html: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
      }
      return path === '/assignment/accounts'
        ? { body: { accountList: [{ accountId: '111111111111', accountName: 'one' }] } }
        : { body: { roleList: [{ roleName: 'ReadOnlyAccess' }] } };
    });

    const result = await discoverWith('token', portal.env, { tuning: { ...unpaced, ...quickRetries } });

    expect(result.accounts).toEqual([{ id: '111111111111', name: 'one', roles: ['ReadOnlyAccess'] }]);
    expect(result.retries).toBe(2);
  });

  it('through reset connections, ends with what a fault-free run finds', async () => {
    const org = generateOrg(60, 3);
    const { emu, discover } = await signedIn({ org });
    emu.injectFault({ operation: 'ListAccounts', error: 'ECONNRESET', count: 2 });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'ECONNRESET', count: 10 });

    const result = await discover({ tuning: { ...unpaced, ...quickRetries } });

    expect(result.accounts).toEqual(everyAssignment(org));
    expect(result.retries).toBe(12);
  });

  it('retries a request that stalls past the attempt timeout', async () => {
    const org = generateOrg(5, 1);
    const { emu, discover } = await signedIn({ org });
    emu.injectFault({ operation: 'ListAccounts', latencyMs: 5_000 });

    const started = performance.now();
    const result = await discover({ tuning: { ...unpaced, retry: { ...quickRetries.retry, attemptTimeoutMs: 300 } } });

    expect(result.accounts).toEqual(everyAssignment(org));
    expect(result.retries).toBe(1);
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});
