import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { repoRoot, type Sandbox, STACK_FRAME } from '../support/cli.js';
import { opCount, START_URL, signedInSandbox, ssoConfig } from '../support/emulator.js';

/** Not signed in: logging in is what these tests look at. */
const setUp = (emulator: EmulatorOptions = {}, config = ssoConfig()) =>
  signedInSandbox({ emulator, config, login: false });

const browserEnv = (sandbox: Sandbox) => ({
  BROWSER: `${process.execPath} ${join(repoRoot, 'test', 'support', 'follow-browser.mjs')}`,
  BROWSER_LOG: sandbox.path('browser.log'),
});

/** Every secret the store holds: tokens, refresh tokens and client secrets, from its files. */
function storedSecrets(sandbox: Sandbox): string[] {
  const folder = sandbox.path('.local', 'state', 'rolecall', 'secrets');
  const secrets: string[] = [];
  for (const name of readdirSync(folder)) {
    const record = JSON.parse(readFileSync(join(folder, name), 'utf8'));
    for (const key of ['accessToken', 'refreshToken', 'clientSecret']) if (record[key]) secrets.push(record[key]);
  }
  return secrets;
}

/** Makes the stored session look obtained a while ago, as time would (the CLI runs on the real clock). */
function ageSession(sandbox: Sandbox, seconds: number): void {
  const folder = sandbox.path('.local', 'state', 'rolecall', 'secrets');
  for (const name of readdirSync(folder)) {
    const file = join(folder, name);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    if (!record.accessToken) continue;
    record.issuedAt = new Date(Date.parse(record.issuedAt) - seconds * 1000).toISOString();
    writeFileSync(file, JSON.stringify(record));
  }
}

describe('rolecall login', () => {
  it('signs in with the device code and then reuses the session without calling AWS', async () => {
    const { emu, run, sandbox } = await setUp();

    const first = await run(['login', '--use-device-code']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/To sign in, open http:\/\/127\.0\.0\.1:\d+\/device\?user_code=[A-Z]{4}-[A-Z]{4}/);
    expect(first.stderr).toMatch(/check that it shows the code: [A-Z]{4}-[A-Z]{4}/);
    expect(first.stderr).toMatch(
      /✓ Logged in to sso-prod \(https:\/\/d-9067000000\.awsapps\.com\/start\), session valid until \d{4}-\d\d-\d\d \d\d:\d\d \(59m\)/,
    );
    expect(opCount(emu, 'RegisterClient')).toBe(1);
    expect(opCount(emu, 'CreateToken')).toBe(1);

    const second = await run(['login']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('✓ Already logged in to sso-prod');
    expect(opCount(emu, 'CreateToken')).toBe(1);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(1);

    const forced = await run(['login', '--force', '--use-device-code']);
    expect(forced.stderr).toContain('✓ Logged in to sso-prod');
    // The registration is reused for a second sign-in.
    expect(opCount(emu, 'RegisterClient')).toBe(1);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(2);

    const state = sandbox.path('.local', 'state', 'rolecall');
    expect(statSync(state).mode & 0o777).toBe(0o700);
    for (const file of sandbox.files('.local/state/rolecall/secrets')) {
      expect(statSync(join(state, 'secrets', file)).mode & 0o777).toBe(0o600);
    }
  });

  it('signs in through the browser with PKCE, the callback reached by $BROWSER', async () => {
    const { emu, run, sandbox } = await setUp();

    const result = await run(['login', '--format', 'json'], browserEnv(sandbox));

    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ provider: 'sso-prod', start_url: START_URL, region: 'us-east-1', source: 'login' });
    const opened = readFileSync(sandbox.path('browser.log'), 'utf8').trim();
    const url = new URL(opened);
    expect(url.pathname).toBe('/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(0);
    expect(opCount(emu, 'CreateToken')).toBe(1);
  });

  it('shows what comes back on the callback as text, never as markup', async () => {
    const { start, sandbox } = await setUp({ autoApprove: false });
    const login = start(['login'], {
      BROWSER: `${process.execPath} ${join(repoRoot, 'test', 'support', 'record-browser.mjs')}`,
      BROWSER_LOG: sandbox.path('browser.log'),
    });
    await login.waitFor('stderr', /authorize\?/);
    // The stand-in browser writes the URL down a moment after it starts.
    for (let tries = 0; !existsSync(sandbox.path('browser.log')) && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const authorize = new URL(readFileSync(sandbox.path('browser.log'), 'utf8').trim());
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    callback.searchParams.set('state', authorize.searchParams.get('state')!);
    callback.searchParams.set('error', '<script>alert(1)</script>');
    const page = await (await fetch(callback)).text();
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page).not.toContain('<script>');
    const result = await login.done;
    expect(result.code).toBe(3);
  });

  it('prints the URL and opens nothing with --no-browser', async () => {
    const { start, sandbox } = await setUp();
    const login = start(['login', '--no-browser'], browserEnv(sandbox));

    const [url] = await login.waitFor('stderr', /http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+/);
    await (await fetch(url, { redirect: 'follow' })).text();

    const result = await login.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('To sign in, open this URL in a browser on this machine:');
    expect(existsSync(sandbox.path('browser.log'))).toBe(false);
  });

  it('uses the device code when no browser can open (no display)', async () => {
    const { run } = await setUp();
    const result = await run(['login']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('check that it shows the code');
  });

  it('ends with exit 3 and a clear message when the person denies', async () => {
    const { emu, start } = await setUp({ autoApprove: false });
    const login = start(['login', '--use-device-code']);
    const [, userCode] = await login.waitFor('stderr', /shows the code: ([A-Z]{4}-[A-Z]{4})/);
    expect(emu.deny(userCode!)).toBe(true);

    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error: the sign-in request was denied');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('waits as asked when AWS says slow down', async () => {
    const { emu, run } = await setUp();
    emu.injectFault({ operation: 'CreateToken', status: 400, error: 'SlowDownException', count: 1 });
    const result = await run(['login', '--use-device-code']);
    expect(result.code).toBe(0);
    expect(opCount(emu, 'CreateToken')).toBe(2);
  }, 20_000);

  it('ends with exit 3 when the device code expires', async () => {
    let now = Date.now();
    const { start } = await setUp({ autoApprove: false, clock: () => now });
    const login = start(['login', '--use-device-code']);
    await login.waitFor('stderr', /shows the code/);
    now += 601_000;
    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('expired before it was approved');
  });

  it('ends with exit 3 on Ctrl+C while waiting', async () => {
    const { start } = await setUp({ autoApprove: false });
    const login = start(['login', '--use-device-code']);
    await login.waitFor('stderr', /shows the code/);
    login.child.kill('SIGINT');
    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error: login cancelled');
  });

  it('refreshes a session close to expiry, and signs in again when the refresh is refused', async () => {
    // Tokens that live 5 minutes are always inside the 10-minute refresh window.
    const { emu, run, sandbox } = await setUp({ tokenTtl: 300 });
    await run(['login', '--use-device-code']);
    const fresh = await run(['login']);
    expect(fresh.stderr).toContain('✓ Already logged in to sso-prod');
    ageSession(sandbox, 120);

    const refreshed = await run(['login']);
    expect(refreshed.stderr).toContain('✓ Refreshed the session of sso-prod');
    expect(opCount(emu, 'CreateToken')).toBe(2);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(1);

    emu.revokeTokens({ refreshTokens: true });
    ageSession(sandbox, 120);
    const again = await run(['login', '--use-device-code']);
    expect(again.stderr).toContain('✓ Logged in to sso-prod');
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(2);
  });

  it('makes one refresh for 20 processes that find the session expiring at once', async () => {
    const { emu, run, sandbox } = await setUp({ tokenTtl: 300 });
    await run(['login', '--use-device-code']);
    ageSession(sandbox, 120);
    emu.resetStats();

    const results = await Promise.all(Array.from({ length: 20 }, () => run(['login'])));

    expect(results.map((result) => result.code)).toEqual(Array(20).fill(0));
    expect(opCount(emu, 'CreateToken')).toBe(1);
  }, 60_000);

  it('makes one sign-in for 20 processes that start without a session', async () => {
    const { emu, run } = await setUp();
    const results = await Promise.all(Array.from({ length: 20 }, () => run(['login', '--use-device-code'])));
    expect(results.map((result) => result.code)).toEqual(Array(20).fill(0));
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(1);
    expect(opCount(emu, 'RegisterClient')).toBe(1);
  }, 60_000);

  it('never shows a token, a refresh token or a client secret, even at debug level', async () => {
    const { run, sandbox } = await setUp({ tokenTtl: 300 });
    const signIn = await run(['login', '--use-device-code', '--log-level', 'debug']);
    ageSession(sandbox, 120);
    const outputs = [
      signIn,
      await run(['login', '--log-level', 'debug']),
      await run(['login', '--format', 'json', '--log-level', 'debug']),
    ];
    const secrets = storedSecrets(sandbox);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const elsewhere = sandbox
      .files()
      .filter((file) => !file.startsWith('.local/state/rolecall/secrets/'))
      .map((file) => readFileSync(sandbox.path(file), 'utf8'));
    for (const text of [...outputs.flatMap((output) => [output.stdout, output.stderr]), ...elsewhere]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect((await run(['logout', '--log-level', 'debug'])).stderr).not.toContain(secrets[0]);
  });

  it('refuses an SSO OIDC endpoint that would send secrets without TLS', async () => {
    const { run } = await setUp();
    const result = await run(['login', '--use-device-code'], { AWS_ENDPOINT_URL_SSO_OIDC: 'http://oidc.example.com' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('would send secrets without TLS');
  });
});

describe('choosing the provider', () => {
  it('uses the provider of the default identity, else asks for --provider', async () => {
    const { run } = await setUp({}, ssoConfig(['sso-a', 'sso-b']));
    const ambiguous = await run(['login']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('several providers are configured: sso-a, sso-b');
    expect(ambiguous.stderr).toContain('hint: choose one with --provider');

    const { run: runWithDefault } = await setUp(
      {},
      ssoConfig(
        ['sso-a', 'sso-b'],
        '  identities:\n    ci:\n      kind: aws/assume-role\n      via: { provider: sso-b }\n      default: true\n      principal: { assume_role: "arn:aws:iam::123456789012:role/Ci" }\n',
      ),
    );
    expect((await runWithDefault(['login', '--use-device-code'])).stderr).toContain('Logged in to sso-b');
  });

  it('asks which provider on a terminal, typing to filter', async () => {
    const { env, sandbox } = await setUp({}, ssoConfig(['sso-a', 'sso-b']));
    const terminal = sandbox.startInTerminal(['login', '--use-device-code'], { env });
    await terminal.waitFor('stdout', /Which provider\?/);
    terminal.child.stdin!.write('sso-b');
    // Enter once the prompt has applied the filter (it searches asynchronously).
    await new Promise((resolve) => setTimeout(resolve, 500));
    terminal.child.stdin!.write('\r');
    const { code, stdout: screen } = await terminal.done;
    expect(code).toBe(0);
    expect(screen).toContain('Logged in to');
    expect(screen).toMatch(/Logged in to \S*sso-b/);
  });

  it('shares one session between two providers on the same portal', async () => {
    const { emu, run } = await setUp({}, ssoConfig(['sso-a', 'sso-b']));
    await run(['login', '--provider', 'sso-a', '--use-device-code']);
    const second = await run(['login', '--provider', 'sso-b']);
    expect(second.stderr).toContain('Already logged in to sso-b');
    expect(opCount(emu, 'CreateToken')).toBe(1);
  });
});

describe('rolecall logout', () => {
  it('ends the session at AWS, deletes the token and the provisioned file, and can run twice', async () => {
    const { emu, run, sandbox } = await setUp();
    await run(['login', '--use-device-code']);
    const [token] = storedSecrets(sandbox);
    sandbox.writeProvisioned('sso-prod', 'auth:\n  identities: {}\n');

    const result = await run(['logout']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('✓ Logged out of sso-prod: session ended at AWS and deleted');
    expect(opCount(emu, 'Logout')).toBe(1);
    expect(existsSync(sandbox.path(sandbox.provisionedFile('sso-prod')))).toBe(false);
    const afterwards = await fetch(`${emu.url}/assignment/accounts`, { headers: { 'x-amz-sso_bearer_token': token! } });
    expect(afterwards.status).toBe(401);

    const again = await run(['logout']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('no session was stored');
    expect((await run(['login'])).stderr).toContain('Logged in to sso-prod');
  });

  it('cleans up locally when the portal cannot be reached', async () => {
    const { emu, run, sandbox } = await setUp();
    await run(['login', '--use-device-code']);
    await emu.close();

    const result = await run(['logout']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: could not end the session at AWS');
    // The session is gone from the store; only the client registration stays, for the next login.
    const records = sandbox
      .files('.local/state/rolecall/secrets')
      .map((file) => JSON.parse(readFileSync(sandbox.path('.local/state/rolecall/secrets', file), 'utf8')));
    expect(records.some((record) => 'accessToken' in record)).toBe(false);
    expect(records.some((record) => 'clientSecret' in record)).toBe(true);
  });

  it('keeps a session that another provider still uses, unless --all', async () => {
    const { emu, run } = await setUp({}, ssoConfig(['sso-a', 'sso-b']));
    await run(['login', '--provider', 'sso-a', '--use-device-code']);
    const one = await run(['logout', '--provider', 'sso-a']);
    expect(one.stderr).toContain('session kept: sso-b uses the same portal');
    expect(opCount(emu, 'Logout')).toBe(0);
    const all = await run(['logout', '--all']);
    expect(all.stderr).toContain('Logged out of sso-a: session ended at AWS and deleted');
    expect(all.stderr).toContain('Logged out of sso-b');
    expect(opCount(emu, 'Logout')).toBe(1);
  });
});
