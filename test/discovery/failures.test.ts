import { describe, expect, it } from 'vitest';
import { isRolecallError, type RolecallError } from '../../src/core/errors.js';
import { generateOrg } from '../../src/emulator/index.js';
import { opCount } from '../support/emulator.js';
import { fakePortal } from './fake-portal.js';
import { discoverWith, everyAssignment, quickRetries, recordingLogger, signedIn, unpaced } from './helpers.js';

const fastRetries = { ...unpaced, ...quickRetries };

const rolecallError = async (promise: Promise<unknown>): Promise<RolecallError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isRolecallError(error)) throw new Error(`expected a RolecallError, got ${String(error)}`);
  return error;
};

describe('when one account’s roles cannot be listed', () => {
  it('a 403 gives that account an error and every other account its roles', async () => {
    const org = generateOrg(30, 2);
    const { emu, discover } = await signedIn({ org });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'ForbiddenException' });

    const result = await discover({ tuning: fastRetries });

    const failed = result.accounts.filter((account) => account.roles === undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toBe('ListAccountRoles failed: ForbiddenException: No access');
    const expected = everyAssignment(org).filter((account) => account.id !== failed[0]?.id);
    expect(result.accounts.filter((account) => account.roles !== undefined)).toEqual(expected);
    expect(result.retries).toBe(0);
  });

  it('logs why at debug level, and never the access token', async () => {
    const { emu, accessToken, discover } = await signedIn({ org: generateOrg(10, 1) });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'ForbiddenException' });
    const { lines, log } = recordingLogger();

    await discover({ tuning: fastRetries, log });

    expect(lines.some((line) => /account \d{12}: ListAccountRoles failed: ForbiddenException/.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith('debug: discovery: 10 accounts in'))).toBe(true);
    expect(lines.join('')).not.toContain(accessToken);
  });

  it('a 500 on every attempt gives that account an error after 4 attempts, and the run goes on', async () => {
    const org = generateOrg(5, 2);
    const { emu, discover } = await signedIn({ org });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'InternalServerException', count: 4 });

    // One request at a time, so the four faults all land on the first account.
    const result = await discover({ tuning: { ...fastRetries, maxInFlight: 1 } });

    expect(result.accounts[0]).toEqual({
      id: '100000000001',
      name: 'account-0001',
      email: 'account-0001@example.com',
      error: expect.stringMatching(/^ListAccountRoles failed: InternalServerException.*\(4 attempts\)$/),
    });
    expect(result.accounts.slice(1)).toEqual(everyAssignment(org).slice(1));
    expect(result.retries).toBe(3);
  });

  it('a page token that comes back again gives that account an error', async () => {
    const portal = await fakePortal((path, query) => {
      if (path === '/assignment/accounts') {
        return { body: { accountList: [{ accountId: '111111111111' }, { accountId: '222222222222' }] } };
      }
      return query.get('account_id') === '111111111111'
        ? { body: { roleList: [{ roleName: 'ReadOnlyAccess' }], nextToken: 'again' } }
        : { body: { roleList: [{ roleName: 'Billing' }] } };
    });

    const result = await discoverWith('token', portal.env, { tuning: unpaced });

    expect(result.accounts).toEqual([
      {
        id: '111111111111',
        name: '111111111111',
        error: 'ListAccountRoles never ends (the same page token came back after 2 pages); stopped asking',
      },
      { id: '222222222222', name: '222222222222', roles: ['Billing'] },
    ]);
  });
});

describe('the run fails, and says why', () => {
  it('when the account list cannot be had after 4 attempts', async () => {
    const { emu, discover } = await signedIn({ org: generateOrg(5, 1) });
    emu.injectFault({ operation: 'ListAccounts', error: 'InternalServerException', count: 10 });

    const error = await rolecallError(discover({ tuning: fastRetries }));

    expect(error.code).toBe('aws.failed');
    expect(error.message).toMatch(/^ListAccounts failed: InternalServerException.*\(4 attempts\)$/);
    expect(error.exitCode).toBe(1);
    expect(opCount(emu, 'ListAccounts')).toBe(4);
    expect(opCount(emu, 'ListAccountRoles')).toBe(0);
  });

  it('when the account list is still throttled after 12 attempts', async () => {
    const { emu, discover } = await signedIn({ org: generateOrg(3, 1) });
    emu.injectFault({ operation: 'ListAccounts', error: 'TooManyRequestsException', count: 12 });

    const error = await rolecallError(discover({ tuning: quickRetries }));

    expect(error).toMatchObject({
      code: 'aws.throttled',
      message: 'AWS throttled ListAccounts: HTTP 429 Unknown Code (12 attempts)',
      exitCode: 1,
    });
    expect(opCount(emu, 'ListAccounts')).toBe(12);
  });

  it('when the account list pages forever through the same token, after asking twice', async () => {
    const portal = await fakePortal(() => ({
      body: { accountList: [{ accountId: '111111111111', accountName: 'one' }], nextToken: 'same-token' },
    }));

    const error = await rolecallError(discoverWith('token', portal.env, { tuning: unpaced }));

    expect(error.code).toBe('aws.pagination-loop');
    expect(error.message).toBe('ListAccounts never ends (the same page token came back after 2 pages); stopped asking');
    expect(portal.requests.filter((request) => request.path === '/assignment/accounts')).toHaveLength(2);
  });

  it('with exit code 3 and a hint to log in, when the session is not valid', async () => {
    const { emu, discover } = await signedIn({ org: generateOrg(5, 1) });
    emu.revokeTokens();

    const error = await rolecallError(discover({ tuning: fastRetries }));

    expect(error).toMatchObject({ code: 'session.invalid', exitCode: 3, hint: 'run `rolecall login`' });
    expect(opCount(emu, 'ListAccounts')).toBe(1);
  });

  it('with exit code 3 when the session ends while roles are being listed', async () => {
    const { emu, discover } = await signedIn({ org: generateOrg(200, 1), latencyMs: 20 });
    emu.injectFault({ operation: 'ListAccountRoles', error: 'UnauthorizedException' });

    const error = await rolecallError(discover({ tuning: fastRetries }));

    expect(error).toMatchObject({ code: 'session.invalid', exitCode: 3 });
    expect(opCount(emu, 'ListAccountRoles')).toBeLessThan(200);
  });

  it('when the portal cannot be reached, after 4 attempts', async () => {
    const portal = await fakePortal(() => ({ body: {} }));
    const closedPort = portal.url.replace(/:\d+$/, ':1');

    const error = await rolecallError(
      discoverWith('token', { AWS_ENDPOINT_URL_SSO: closedPort }, { tuning: fastRetries }),
    );

    expect(error.code).toBe('aws.unreachable');
    expect(error.message).toBe(`cannot reach ${closedPort} for ListAccounts (ECONNREFUSED) (4 attempts)`);
  });

  it('when the signal aborts it, promptly and without further requests', async () => {
    const { emu, discover } = await signedIn({ org: generateOrg(500, 1), latencyMs: 100 });
    const abort = new AbortController();
    let abortedAt = 0;

    const run = discover({
      tuning: unpaced,
      signal: abort.signal,
      onProgress: (progress) => {
        if (progress.accountsDone < 20 || abort.signal.aborted) return;
        abortedAt = performance.now();
        abort.abort();
      },
    });
    const error = await rolecallError(run);
    expect(performance.now() - abortedAt).toBeLessThan(1_000);
    // Requests already on the wire may still land; nothing is sent after.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = opCount(emu, 'ListAccountRoles');

    expect(error.code).toBe('discovery.cancelled');
    expect(sent).toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(opCount(emu, 'ListAccountRoles')).toBe(sent);
  });

  it('at once when the signal is already aborted', async () => {
    const { emu, discover } = await signedIn({ org: generateOrg(5, 1) });

    const error = await rolecallError(discover({ signal: AbortSignal.abort() }));

    expect(error.code).toBe('discovery.cancelled');
    expect(opCount(emu, 'ListAccounts')).toBe(0);
  });
});
