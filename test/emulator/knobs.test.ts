import { connect } from 'node:net';
import { ListAccountsCommand } from '@aws-sdk/client-sso';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatorFor, failure, manualClock, roleCredentials, sdkClients, signIn } from './helpers.js';

const control = async (
  emulator: Emulator,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
) => {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const listAccounts = (emulator: Emulator, accessToken: string) =>
  sdkClients(emulator).sso.send(new ListAccountsCommand({ accessToken }));

describe('injected faults', () => {
  it('answer the next `count` requests of the operation with the error, then let requests through', async () => {
    const emulator = await emulatorFor();
    const { accessToken = '' } = await signIn(emulator);
    const added = await control(emulator, 'faults', {
      operation: 'ListAccounts',
      status: 429,
      error: 'TooManyRequestsException',
      count: 2,
    });
    expect(added.body.faults).toMatchObject([{ operation: 'ListAccounts', remaining: 2 }]);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await failure(listAccounts(emulator, accessToken))).name).toBe('TooManyRequestsException');
    }
    await listAccounts(emulator, accessToken);
    expect((await control(emulator, 'faults')).body).toEqual({ faults: [] });
  });

  it('encode the error as the operation’s service does: OIDC body, STS XML, real default statuses', async () => {
    const emulator = await emulatorFor();
    const { accessToken = '' } = await signIn(emulator);
    const creds = await roleCredentials(emulator, accessToken, '111111111111', 'ReadOnlyAccess');
    emulator.injectFault({ operation: 'CreateToken', error: 'InternalServerException' });
    emulator.injectFault({ operation: 'GetCallerIdentity', error: 'Throttling' });

    const token = await fetch(`${emulator.url}/token`, { method: 'POST', body: '{}' });
    expect(token.status).toBe(500);
    expect(token.headers.get('x-amzn-errortype')).toMatch(/^InternalServerException:/);
    expect(await token.json()).toEqual({ error: 'server_error', error_description: 'Internal server error' });

    const throttled = await failure(sdkClients(emulator).sts(creds).send(new GetCallerIdentityCommand({})));
    expect(throttled.name).toBe('Throttling');
    expect((throttled['$metadata'] as { httpStatusCode: number }).httpStatusCode).toBe(400);
  });

  it('take any error name with an explicit status, and any operation with "*"', async () => {
    const emulator = await emulatorFor();
    emulator.injectFault({ operation: '*', error: 'ServiceUnavailableException', status: 503, message: 'down' });
    const response = await fetch(`${emulator.url}/assignment/accounts`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      message: 'down',
      __type: 'com.amazonaws.switchboard.portal#ServiceUnavailableException',
    });
  });

  it('reset the connection for "ECONNRESET"', async () => {
    const emulator = await emulatorFor();
    await control(emulator, 'faults', { operation: 'ListAccounts', error: 'ECONNRESET' });
    const reset = await failure(fetch(`${emulator.url}/assignment/accounts`));
    expect(String((reset.cause as { code?: string } | undefined)?.code)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect((await fetch(`${emulator.url}/assignment/accounts`)).status).toBe(401);
  });

  it('may only add latency, which delays the answer without changing it', async () => {
    const emulator = await emulatorFor();
    await control(emulator, 'faults', { operation: 'ListAccounts', latency_ms: 50 });
    const started = performance.now();
    const response = await fetch(`${emulator.url}/assignment/accounts`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(response.status).toBe(401);
  });

  it('are cleared per operation or all at once', async () => {
    const emulator = await emulatorFor();
    emulator.injectFault({ operation: 'ListAccounts', error: 'TooManyRequestsException' });
    emulator.injectFault({ operation: 'Logout', error: 'TooManyRequestsException' });
    expect((await control(emulator, 'faults', { operation: 'ListAccounts', reset: true })).body.faults).toMatchObject([
      { operation: 'Logout' },
    ]);
    expect((await control(emulator, 'faults', undefined, 'DELETE')).body).toEqual({ faults: [] });
    expect(emulator.faults()).toEqual([]);
  });

  it('are refused with a reason when malformed', async () => {
    const emulator = await emulatorFor();
    const cases: [unknown, RegExp][] = [
      [{ operation: 'ListAcounts', error: 'X', status: 500 }, /unknown operation: ListAcounts/],
      [{ operation: 'ListAccounts', error: 'Mystery' }, /status \(400-599\) is required for Mystery/],
      [{ operation: 'ListAccounts' }, /needs an error or latency_ms/],
      [{ operation: 'ListAccounts', error: 'TooManyRequestsException', count: 0 }, /count/],
      [{ error: 'TooManyRequestsException' }, /operation/],
    ];
    for (const [spec, reason] of cases) {
      const { status, body } = await control(emulator, 'faults', spec);
      expect(status).toBe(400);
      expect(body.error).toMatch(reason);
    }
    const notJson = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
  });
});

describe('the portal rate limit', () => {
  it('answers requests beyond the limit with 429 TooManyRequestsException, shared by all portal operations', async () => {
    const clock = manualClock();
    const emulator = await emulatorFor({ clock, rateLimit: 3 });
    const { accessToken = '' } = await signIn(emulator);
    await listAccounts(emulator, accessToken);
    await roleCredentials(emulator, accessToken, '111111111111', 'ReadOnlyAccess');
    await listAccounts(emulator, accessToken);
    const throttled = await failure(listAccounts(emulator, accessToken));
    expect(throttled.name).toBe('TooManyRequestsException');
    expect(throttled.message).toBe('HTTP 429 Unknown Code');
    expect((throttled['$metadata'] as { httpStatusCode: number }).httpStatusCode).toBe(429);
    expect(emulator.stats().throttled).toBe(1);

    clock.advance(334);
    await listAccounts(emulator, accessToken);
  });

  it('is off unless asked for', async () => {
    const emulator = await emulatorFor();
    const { accessToken = '' } = await signIn(emulator);
    await Promise.all(Array.from({ length: 50 }, () => listAccounts(emulator, accessToken)));
    expect(emulator.stats().throttled).toBe(0);
  });
});

describe('stats', () => {
  it('count requests per AWS operation and throttled ones, and can be reset', async () => {
    const emulator = await emulatorFor({ rateLimit: 1, clock: manualClock() });
    const { accessToken = '' } = await signIn(emulator);
    await listAccounts(emulator, accessToken);
    await failure(listAccounts(emulator, accessToken));
    expect((await control(emulator, 'stats')).body).toEqual({
      requests: { RegisterClient: 1, StartDeviceAuthorization: 1, CreateToken: 1, ListAccounts: 2 },
      throttled: 1,
    });
    expect((await control(emulator, 'reset-stats', {})).body).toEqual({ requests: {}, throttled: 0 });
  });
});

describe('control routes', () => {
  it('approve and deny device codes by user code, and say when there is none pending', async () => {
    const emulator = await emulatorFor();
    expect(await control(emulator, 'approve', { user_code: 'BCDF-GHJK' })).toEqual({
      status: 404,
      body: { error: 'no pending device authorization has user_code BCDF-GHJK' },
    });
    expect((await control(emulator, 'deny', {})).status).toBe(400);
  });

  it('revoke every access token, and with refresh_tokens every sign-in', async () => {
    const emulator = await emulatorFor();
    const { accessToken = '' } = await signIn(emulator);
    expect((await control(emulator, 'revoke', {})).body).toEqual({ revoked: ['access_tokens'] });
    expect((await failure(listAccounts(emulator, accessToken))).name).toBe('UnauthorizedException');
  });

  it('show the organisation', async () => {
    const emulator = await emulatorFor();
    const { body } = await control(emulator, 'org');
    expect(body.accounts).toHaveLength(12);
  });

  it('answer unknown routes with 404 and wrong verbs with 405', async () => {
    const emulator = await emulatorFor();
    expect((await control(emulator, 'nope')).status).toBe(404);
    expect((await control(emulator, 'stats', {})).status).toBe(405);
  });
});

describe('latency', () => {
  it('is added to every AWS operation', async () => {
    const emulator = await emulatorFor({ latencyMs: 40 });
    const started = performance.now();
    await fetch(`${emulator.url}/assignment/accounts`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('reachability', () => {
  it('refuses requests addressed to a name other than loopback (DNS rebinding)', async () => {
    const emulator = await emulatorFor();
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(emulator.port, '127.0.0.1', () => {
        socket.end('GET /_emulator/stats HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 403/);
  });

  it('listens on 127.0.0.1 by default', async () => {
    const emulator = await emulatorFor();
    expect(emulator.host).toBe('127.0.0.1');
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.env).toEqual({
      AWS_ENDPOINT_URL_SSO: emulator.url,
      AWS_ENDPOINT_URL_SSO_OIDC: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_ENDPOINT_URL_SIGNIN: emulator.url,
    });
  });
});
