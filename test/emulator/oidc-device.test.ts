import { CreateTokenCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_CODE_GRANT,
  emulatorFor,
  failure,
  manualClock,
  registerClient,
  START_URL,
  sdkClients,
} from './helpers.js';

const startDevice = async (options: Parameters<typeof emulatorFor>[0] = {}) => {
  const emulator = await emulatorFor(options);
  const { oidc } = sdkClients(emulator);
  const { clientId = '', clientSecret = '' } = await registerClient(oidc);
  const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }));
  const poll = () =>
    oidc.send(
      new CreateTokenCommand({ clientId, clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode: device.deviceCode }),
    );
  return { emulator, oidc, clientId, clientSecret, device, poll };
};

describe('device authorization', () => {
  it('hands out a user code, a verification page of its own and the real lifetimes', async () => {
    const { emulator, device } = await startDevice();
    expect(device.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(device.verificationUri).toBe(`${emulator.url}/device`);
    expect(device.verificationUriComplete).toBe(`${emulator.url}/device?user_code=${device.userCode}`);
    expect(device.expiresIn).toBe(600);
    expect(device.interval).toBe(1);
  });

  it('is pending until the user approves, then yields an access and a refresh token', async () => {
    const clock = manualClock();
    const { emulator, device, poll } = await startDevice({ clock });
    expect((await failure(poll())).name).toBe('AuthorizationPendingException');
    expect(emulator.approve(device.userCode ?? '')).toBe(true);
    const tokens = await poll();
    expect(tokens.accessToken).toMatch(/^aoa/);
    expect(tokens.refreshToken).toMatch(/^aor/);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresIn).toBe(3600);
  });

  it('answers a poll sooner than the interval with slow_down, after which 6 s between polls is enough', async () => {
    const clock = manualClock();
    const { poll } = await startDevice({ clock });
    expect((await failure(poll())).name).toBe('AuthorizationPendingException');
    const tooFast = await failure(poll());
    expect(tooFast.name).toBe('SlowDownException');
    expect(tooFast['error']).toBe('slow_down');
    clock.advance(6000);
    expect((await failure(poll())).name).toBe('AuthorizationPendingException');
  });

  it('holds a client that ignores slow_down to the longer interval', async () => {
    const clock = manualClock();
    const { poll } = await startDevice({ clock });
    await failure(poll());
    expect((await failure(poll())).name).toBe('SlowDownException');
    clock.advance(1000);
    expect((await failure(poll())).name).toBe('SlowDownException');
  });

  it('expires the device code after 600 seconds', async () => {
    const clock = manualClock();
    const { emulator, device, poll } = await startDevice({ clock });
    clock.advance(600_000);
    const expired = await failure(poll());
    expect(expired.name).toBe('ExpiredTokenException');
    expect(expired['error']).toBe('expired_token');
    expect(emulator.approve(device.userCode ?? '')).toBe(false);
  });

  it('fails with AccessDeniedException once the user denies', async () => {
    const { emulator, device, poll } = await startDevice();
    expect(emulator.deny(device.userCode ?? '')).toBe(true);
    const denied = await failure(poll());
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied['error']).toBe('access_denied');
  });

  it('approves at the first poll with auto-approve', async () => {
    const { poll } = await startDevice({ autoApprove: true });
    expect((await poll()).accessToken).toMatch(/^aoa/);
  });

  it('redeems a device code only once', async () => {
    const { poll } = await startDevice({ autoApprove: true });
    await poll();
    expect((await failure(poll())).name).toBe('InvalidGrantException');
  });

  it('refuses a device code issued to another client', async () => {
    const { emulator, device } = await startDevice({ autoApprove: true });
    const { oidc } = sdkClients(emulator);
    const other = await registerClient(oidc);
    const stolen = await failure(
      oidc.send(
        new CreateTokenCommand({
          clientId: other.clientId,
          clientSecret: other.clientSecret,
          grantType: DEVICE_CODE_GRANT,
          deviceCode: device.deviceCode,
        }),
      ),
    );
    expect(stolen.name).toBe('InvalidGrantException');
  });

  it('rejects an unknown client, a wrong secret and an expired registration with InvalidClientException (401)', async () => {
    const clock = manualClock();
    const emulator = await emulatorFor({ clock });
    const { oidc } = sdkClients(emulator);
    const { clientId = '', clientSecret = '' } = await registerClient(oidc);
    const start = (id: string, secret: string) =>
      failure(
        oidc.send(new StartDeviceAuthorizationCommand({ clientId: id, clientSecret: secret, startUrl: START_URL })),
      );

    const unknown = await start('nobody', clientSecret);
    expect(unknown.name).toBe('InvalidClientException');
    expect((unknown['$metadata'] as { httpStatusCode: number }).httpStatusCode).toBe(401);
    expect((await start(clientId, `${clientSecret}x`)).name).toBe('InvalidClientException');
    clock.advance(90 * 24 * 3600 * 1000);
    expect((await start(clientId, clientSecret)).name).toBe('InvalidClientException');
  });

  it('encodes OIDC errors as AWS does: x-amzn-ErrorType with the coral suffix and an OAuth body', async () => {
    const { emulator, clientId, clientSecret, device } = await startDevice();
    const response = await fetch(`${emulator.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode: device.deviceCode }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe(
      'AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/',
    );
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      error: 'authorization_pending',
      error_description: 'Authorization is still pending',
    });
  });
});

describe('the device verification page', () => {
  it('shows the user code with Allow and Deny, and Allow approves the code', async () => {
    const { emulator, device, poll } = await startDevice();
    const page = await fetch(device.verificationUriComplete ?? '');
    const html = await page.text();
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toContain(device.userCode);
    expect(html).toMatch(/value="allow"[^>]*>Allow</);
    expect(html).toMatch(/value="deny"[^>]*>Deny</);

    const answer = await fetch(`${emulator.url}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: device.userCode ?? '', decision: 'allow' }),
    });
    expect(await answer.text()).toContain('Request approved');
    expect((await poll()).accessToken).toMatch(/^aoa/);
  });

  it('accepts a code typed in lower case without its dash, and Deny denies it', async () => {
    const { emulator, device, poll } = await startDevice();
    const typed = (device.userCode ?? '').replace('-', '').toLowerCase();
    const answer = await fetch(`${emulator.url}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: typed, decision: 'deny' }),
    });
    expect(await answer.text()).toContain('Request denied');
    expect((await failure(poll())).name).toBe('AccessDeniedException');
  });

  it('takes no decision from a form without Allow or Deny', async () => {
    const { emulator, device, poll } = await startDevice();
    const answer = await fetch(`${emulator.url}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: device.userCode ?? '' }),
    });
    expect(answer.status).toBe(400);
    expect((await failure(poll())).name).toBe('AuthorizationPendingException');
  });

  it('asks for the code when the link has none, and explains an unknown code', async () => {
    const emulator = await emulatorFor();
    expect(await (await fetch(`${emulator.url}/device`)).text()).toContain('name="user_code"');
    const unknown = await fetch(`${emulator.url}/device?user_code=BCDF-GHJK`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('This code is not valid');
  });
});
