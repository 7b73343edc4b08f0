import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { type Credentials, emulatorFor, manualClock, roleCredentials, signIn } from './helpers.js';

const DESTINATION = 'https://console.aws.amazon.com/';

const session = ({ accessKeyId, secretAccessKey, sessionToken }: Credentials) =>
  JSON.stringify({ sessionId: accessKeyId, sessionKey: secretAccessKey, sessionToken });

const getSigninToken = (emulator: Emulator, params: Record<string, string>) =>
  fetch(`${emulator.url}/federation?${new URLSearchParams({ Action: 'getSigninToken', ...params })}`);

const login = (emulator: Emulator, signinToken: string) =>
  fetch(
    `${emulator.url}/federation?${new URLSearchParams({
      Action: 'login',
      Issuer: '',
      Destination: DESTINATION,
      SigninToken: signinToken,
    })}`,
    { redirect: 'manual' },
  );

const setup = async (clock = manualClock()) => {
  const emulator = await emulatorFor({ clock, credentialTtl: 900 });
  const { accessToken = '' } = await signIn(emulator);
  return { emulator, clock, creds: await roleCredentials(emulator, accessToken, '111111111111', 'ReadOnlyAccess') };
};

describe('console federation', () => {
  it('trades role credentials for a sign-in token, and the login URL redirects to the destination once', async () => {
    const { emulator, creds } = await setup();
    const response = await getSigninToken(emulator, { Session: session(creds), SessionDuration: '3600' });
    expect(response.status).toBe(200);
    const { SigninToken } = (await response.json()) as { SigninToken: string };
    expect(SigninToken.length).toBeGreaterThan(100);

    const redirect = await login(emulator, SigninToken);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(DESTINATION);
    expect((await login(emulator, SigninToken)).status).toBe(400);
  });

  it('also takes the request as a POSTed form', async () => {
    const { emulator, creds } = await setup();
    const response = await fetch(`${emulator.url}/federation`, {
      method: 'POST',
      body: new URLSearchParams({ Action: 'getSigninToken', Session: session(creds) }),
    });
    expect(Object.keys((await response.json()) as object)).toEqual(['SigninToken']);
  });

  it('refuses a wrong secret, a wrong session token and expired credentials with a plain 400', async () => {
    const { emulator, creds, clock } = await setup();
    for (const bad of [
      { ...creds, secretAccessKey: 'x' },
      { ...creds, sessionToken: 'x' },
    ]) {
      const refused = await getSigninToken(emulator, { Session: session(bad) });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('text/plain');
    }
    clock.advance(900_000);
    expect((await getSigninToken(emulator, { Session: session(creds) })).status).toBe(400);
  });

  it('refuses a SessionDuration outside 900-43200 and a Session that is not JSON', async () => {
    const { emulator, creds } = await setup();
    expect((await getSigninToken(emulator, { Session: session(creds), SessionDuration: '60' })).status).toBe(400);
    expect((await getSigninToken(emulator, { Session: 'nope' })).status).toBe(400);
  });

  it('lets a sign-in token expire after 15 minutes', async () => {
    const { emulator, creds, clock } = await setup();
    const { SigninToken } = (await (await getSigninToken(emulator, { Session: session(creds) })).json()) as {
      SigninToken: string;
    };
    clock.advance(15 * 60_000);
    expect((await login(emulator, SigninToken)).status).toBe(400);
  });
});
