import { ListAccountsCommand, LogoutCommand } from '@aws-sdk/client-sso';
import { CreateTokenCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  DEVICE_CODE_GRANT,
  emulatorFor,
  failure,
  manualClock,
  registerClient,
  START_URL,
  sdkClients,
  signIn,
} from './helpers.js';

const refresh = (emulator: Emulator, clientId: string, clientSecret: string, refreshToken: string) =>
  sdkClients(emulator).oidc.send(
    new CreateTokenCommand({ clientId, clientSecret, grantType: 'refresh_token', refreshToken }),
  );

const listAccounts = (emulator: Emulator, accessToken: string) =>
  sdkClients(emulator).sso.send(new ListAccountsCommand({ accessToken }));

describe('the refresh token grant', () => {
  it('rotates: the new pair works and the old refresh token is refused', async () => {
    const emulator = await emulatorFor();
    const first = await signIn(emulator);
    const second = await refresh(emulator, first.clientId, first.clientSecret, first.refreshToken ?? '');
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toMatch(/^aor/);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await listAccounts(emulator, second.accessToken ?? '');

    const reused = await failure(refresh(emulator, first.clientId, first.clientSecret, first.refreshToken ?? ''));
    expect(reused.name).toBe('InvalidGrantException');
    const third = await refresh(emulator, first.clientId, first.clientSecret, second.refreshToken ?? '');
    expect(third.accessToken).toMatch(/^aoa/);
  });

  it('outlives the access token: after --token-ttl the portal says 401 and a refresh gets a working token', async () => {
    const clock = manualClock();
    const emulator = await emulatorFor({ clock, tokenTtl: 60 });
    const tokens = await signIn(emulator);
    expect(tokens.expiresIn).toBe(60);
    clock.advance(60_000);
    expect((await failure(listAccounts(emulator, tokens.accessToken ?? ''))).name).toBe('UnauthorizedException');
    const renewed = await refresh(emulator, tokens.clientId, tokens.clientSecret, tokens.refreshToken ?? '');
    await listAccounts(emulator, renewed.accessToken ?? '');
  });

  it('ends with the portal session', async () => {
    const clock = manualClock();
    const emulator = await emulatorFor({ clock, sessionTtl: 3600 });
    const tokens = await signIn(emulator);
    clock.advance(3600_000);
    const late = await failure(refresh(emulator, tokens.clientId, tokens.clientSecret, tokens.refreshToken ?? ''));
    expect(late.name).toBe('InvalidGrantException');
  });

  it('is refused after Logout', async () => {
    const emulator = await emulatorFor();
    const tokens = await signIn(emulator);
    await sdkClients(emulator).sso.send(new LogoutCommand({ accessToken: tokens.accessToken }));
    const after = await failure(refresh(emulator, tokens.clientId, tokens.clientSecret, tokens.refreshToken ?? ''));
    expect(after.name).toBe('InvalidGrantException');
  });

  it('belongs to the client it was issued to', async () => {
    const emulator = await emulatorFor();
    const tokens = await signIn(emulator);
    const other = await registerClient(sdkClients(emulator).oidc);
    const stolen = await failure(
      refresh(emulator, other.clientId ?? '', other.clientSecret ?? '', tokens.refreshToken ?? ''),
    );
    expect(stolen.name).toBe('InvalidGrantException');
  });

  it('is not given to legacy registrations without scopes, whose token lasts the 8-hour session', async () => {
    const emulator = await emulatorFor({ autoApprove: true });
    const { oidc } = sdkClients(emulator);
    const { clientId, clientSecret } = await registerClient(oidc, { scopes: undefined });
    const device = await oidc.send(
      new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }),
    );
    const tokens = await oidc.send(
      new CreateTokenCommand({ clientId, clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode: device.deviceCode }),
    );
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresIn).toBe(8 * 3600);
  });

  it('rejects unknown grant types', async () => {
    const emulator = await emulatorFor();
    const { oidc } = sdkClients(emulator);
    const { clientId, clientSecret } = await registerClient(oidc);
    const odd = await failure(oidc.send(new CreateTokenCommand({ clientId, clientSecret, grantType: 'password' })));
    expect(odd.name).toBe('UnsupportedGrantTypeException');
  });
});
