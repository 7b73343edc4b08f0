import { createHash, randomBytes } from 'node:crypto';
import { CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import { emulatorFor, failure, registerClient, sdkClients } from './helpers.js';

const CALLBACK = 'http://127.0.0.1:43210/oauth/callback';

const pkcePair = () => {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** A PKCE client as AWS CLI v2 registers it: redirect URI without port. */
const setup = async (autoApprove: boolean) => {
  const emulator = await emulatorFor({ autoApprove });
  const { oidc } = sdkClients(emulator);
  const { clientId = '', clientSecret = '' } = await registerClient(oidc, {
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['http://127.0.0.1/oauth/callback'],
    issuerUrl: 'https://d-9067000000.awsapps.com/start',
  });
  const { verifier, challenge } = pkcePair();
  const authorizeUrl = (overrides: Record<string, string> = {}) =>
    `${emulator.url}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      state: 'state-123',
      code_challenge_method: 'S256',
      scopes: 'sso:account:access',
      code_challenge: challenge,
      ...overrides,
    })}`;
  const redeem = (code: string, codeVerifier = verifier, redirectUri = CALLBACK) =>
    oidc.send(
      new CreateTokenCommand({
        clientId,
        clientSecret,
        grantType: 'authorization_code',
        code,
        redirectUri,
        codeVerifier,
      }),
    );
  return { emulator, oidc, clientId, authorizeUrl, redeem };
};

const redirectOf = async (response: Response): Promise<URL> => {
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
};

describe('the authorization code grant with PKCE', () => {
  it('redirects to the loopback callback at once with auto-approve, and the code buys tokens', async () => {
    const { authorizeUrl, redeem } = await setup(true);
    const callback = await redirectOf(await fetch(authorizeUrl(), { redirect: 'manual' }));
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('state-123');
    const tokens = await redeem(callback.searchParams.get('code') ?? '');
    expect(tokens.accessToken).toMatch(/^aoa/);
    expect(tokens.refreshToken).toMatch(/^aor/);
  });

  it('checks the S256 verifier, and a code presented with a wrong one is spent', async () => {
    const { authorizeUrl, redeem } = await setup(true);
    const code = (await redirectOf(await fetch(authorizeUrl(), { redirect: 'manual' }))).searchParams.get('code') ?? '';
    const wrong = await failure(redeem(code, pkcePair().verifier));
    expect(wrong.name).toBe('InvalidGrantException');
    expect(wrong['error']).toBe('invalid_grant');
    expect((await failure(redeem(code))).name).toBe('InvalidGrantException');
  });

  it('requires the redirect URI of the authorization request', async () => {
    const { authorizeUrl, redeem } = await setup(true);
    const code = (await redirectOf(await fetch(authorizeUrl(), { redirect: 'manual' }))).searchParams.get('code') ?? '';
    const mismatch = await failure(redeem(code, undefined, 'http://127.0.0.1:1/oauth/callback'));
    expect(mismatch.name).toBe('InvalidGrantException');
  });

  it('asks for consent without auto-approve: Allow redirects with a code', async () => {
    const { emulator, authorizeUrl, redeem } = await setup(false);
    const page = await fetch(authorizeUrl());
    const html = await page.text();
    expect(html).toContain('rolecall-test');
    expect(html).toMatch(/value="allow"[^>]*>Allow</);
    const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const allowed = await fetch(`${emulator.url}/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ consent, decision: 'allow' }),
      redirect: 'manual',
    });
    const callback = await redirectOf(allowed);
    expect((await redeem(callback.searchParams.get('code') ?? '')).accessToken).toMatch(/^aoa/);
  });

  it('redirects with error=access_denied and the state when the user denies', async () => {
    const { emulator, authorizeUrl } = await setup(false);
    const html = await (await fetch(authorizeUrl())).text();
    const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const denied = await redirectOf(
      await fetch(`${emulator.url}/authorize`, {
        method: 'POST',
        body: new URLSearchParams({ consent, decision: 'deny' }),
        redirect: 'manual',
      }),
    );
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('state-123');
    expect(denied.searchParams.has('code')).toBe(false);
  });

  it('never redirects to a URI the client did not register, nor for an unknown client', async () => {
    const { authorizeUrl } = await setup(true);
    const foreign = await fetch(authorizeUrl({ redirect_uri: 'http://evil.example/oauth/callback' }), {
      redirect: 'manual',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    const unknown = await fetch(authorizeUrl({ client_id: 'nobody' }), { redirect: 'manual' });
    expect(unknown.status).toBe(401);
  });

  it('sends OAuth errors back to a registered callback: no S256 challenge, wrong response type', async () => {
    const { authorizeUrl } = await setup(true);
    const plain = await redirectOf(
      await fetch(authorizeUrl({ code_challenge_method: 'plain' }), { redirect: 'manual' }),
    );
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    const token = await redirectOf(await fetch(authorizeUrl({ response_type: 'token' }), { redirect: 'manual' }));
    expect(token.searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('keeps device-code clients away from the authorization code grant', async () => {
    const emulator = await emulatorFor({ autoApprove: true });
    const { oidc } = sdkClients(emulator);
    const { clientId, clientSecret } = await registerClient(oidc);
    const refused = await failure(
      oidc.send(
        new CreateTokenCommand({
          clientId,
          clientSecret,
          grantType: 'authorization_code',
          code: 'x',
          redirectUri: CALLBACK,
          codeVerifier: 'y',
        }),
      ),
    );
    expect(refused.name).toBe('UnauthorizedClientException');
  });
});
