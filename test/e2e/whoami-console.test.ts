import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliResult, parseWhoami, STACK_FRAME } from '../support/cli.js';
import { opCount, providerConfig, signedInSandbox } from '../support/emulator.js';

const CONFIG = providerConfig({
  extra: `  identities:
    deployer:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: DeployerAccess, account: { id: "222222222222" } }
    long-deployer:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: DeployerAccess, account: { id: "333333333333" } }
      session: { duration: 12h }
    two-hours:
      kind: aws/assume-role
      via: { identity: deployer }
      principal: { assume_role: "arn:aws:iam::444444444444:role/Auditor", session_name: audit, duration: 2h }
    ci-user: { kind: aws/user }
`,
});

const HOME_PAGE = 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1';

/** The label-value rows `whoami` prints, as a map. */
const rows = (result: CliResult): Record<string, string> => {
  expect(result.code, result.stderr).toBe(0);
  return Object.fromEntries(
    result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => {
        const match = /^(\S+(?: id)?)\s+(.*)$/.exec(line)!;
        return [match[1]!, match[2]!];
      }),
  );
};

/** Opens the sign-in URL as a browser would, without following the redirect. */
const open = (url: string) => fetch(url, { redirect: 'manual' });

describe('rolecall whoami', () => {
  it('tells who the identity is at AWS, as text', async () => {
    const { emu, run } = await signedInSandbox({ config: CONFIG });

    const result = await run(['whoami', '--identity', 'deployer']);

    expect(result.stderr).toBe('');
    const shown = rows(result);
    expect(Object.keys(shown)).toEqual(['identity', 'account', 'arn', 'user id', 'region', 'expires']);
    expect(shown).toMatchObject({ identity: 'deployer', account: '222222222222', region: 'us-east-1' });
    expect(shown['arn']).toMatch(
      /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_DeployerAccess_[0-9a-f]{16}\/alice@example\.com$/,
    );
    expect(shown['user id']).toMatch(/^AROA[A-Z0-9]+:alice@example\.com$/);
    expect(shown['expires']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d \(in (1h 0m|[1-5]?\dm)\)$/);
    expect(opCount(emu, 'GetCallerIdentity')).toBe(1);
  });

  it('tells it as JSON, saying where the credentials came from', async () => {
    const { emu, run } = await signedInSandbox({ config: CONFIG });

    const first = parseWhoami(await run(['whoami', '--identity', 'deployer', '--format', 'json']));
    const second = parseWhoami(await run(['whoami', '--identity', 'deployer', '--format', 'json']));

    expect(Object.keys(first).sort()).toEqual(
      ['identity', 'account', 'arn', 'user_id', 'region', 'expiration', 'credentials', 'duration_note'].sort(),
    );
    expect(first).toMatchObject({
      identity: 'deployer',
      account: '222222222222',
      region: 'us-east-1',
      credentials: 'fetched',
      duration_note: null,
    });
    expect(first.user_id).toMatch(/^AROA[A-Z0-9]+:alice@example\.com$/);
    expect(first.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(second).toEqual({ ...first, credentials: 'cache' });
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
    expect(opCount(emu, 'GetCallerIdentity')).toBe(2);
  });

  it('notes that a chained role asked for 2h gets 1h, also when answered from the cache', async () => {
    const { run } = await signedInSandbox({ config: CONFIG });

    const text = await run(['whoami', '--identity', 'two-hours']);
    const shown = rows(text);
    expect(shown['arn']).toBe('arn:aws:sts::444444444444:assumed-role/Auditor/audit');
    expect(shown['note']).toMatch(/\b(2h|7200 s)\b.*\b(1h|3600 s)\b.*role chaining/);

    const cached = parseWhoami(await run(['whoami', '--identity', 'two-hours', '--format', 'json']));
    expect(cached.credentials).toBe('cache');
    expect(cached.duration_note).toMatch(/\b(2h|7200 s)\b.*\b(1h|3600 s)\b.*role chaining/);
    expect(Date.parse(cached.expiration!)).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('notes that a permission set decides its own session length', async () => {
    const { run } = await signedInSandbox({ config: CONFIG });
    const result = parseWhoami(await run(['whoami', '--identity', 'long-deployer', '--format', 'json']));
    expect(result.account).toBe('333333333333');
    expect(result.duration_note).toMatch(/\b(12h|43200 s)\b.*\b(1h|3600 s)\b/);
  });

  it('shows long-lived keys of an aws/user as never expiring', async () => {
    const { run } = await signedInSandbox({ config: CONFIG });
    // The emulator's STS knows only the keys it issued: those stand in for a user's.
    const issued = JSON.parse((await run(['credential-process', '--identity', 'deployer'])).stdout);
    const env = {
      AWS_ACCESS_KEY_ID: issued.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: issued.SecretAccessKey,
      AWS_SESSION_TOKEN: issued.SessionToken,
    };
    const text = rows(await run(['whoami', '--identity', 'ci-user'], env));
    expect(text['expires']).toBe('never (long-lived keys)');
    expect(text['account']).toBe('222222222222');
    const result = parseWhoami(await run(['whoami', '--identity', 'ci-user', '--format', 'json'], env));
    expect(result).toMatchObject({ credentials: 'environment', expiration: null });
  });
  it('fetches new credentials at once when AWS refuses the cached ones', async () => {
    const { emu, sandbox, run } = await signedInSandbox({ config: CONFIG });
    expect(parseWhoami(await run(['whoami', '--identity', 'deployer', '--format', 'json'])).credentials).toBe(
      'fetched',
    );
    // AWS stops accepting the cached credentials while they seem to have time left.
    const folder = sandbox.path('.local', 'state', 'rolecall', 'secrets');
    for (const name of readdirSync(folder)) {
      const record = JSON.parse(readFileSync(join(folder, name), 'utf8'));
      if (typeof record.secretAccessKey !== 'string') continue;
      record.sessionToken = `${record.sessionToken}-no-longer-valid`;
      writeFileSync(join(folder, name), JSON.stringify(record));
    }

    const healed = await run(['whoami', '--identity', 'deployer', '--format', 'json']);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stderr).toContain('AWS refused the cached credentials of deployer; fetching new ones.');
    expect(healed.stderr).not.toMatch(STACK_FRAME);
    expect(parseWhoami(healed)).toMatchObject({ account: '222222222222', credentials: 'fetched' });
    expect(opCount(emu, 'GetRoleCredentials')).toBe(2);

    const next = parseWhoami(await run(['whoami', '--identity', 'deployer', '--format', 'json']));
    expect(next.credentials).toBe('cache');
  });
});

describe('rolecall console', () => {
  it('prints a sign-in URL that lands on the region console home, once', async () => {
    const { emu, run } = await signedInSandbox({ config: CONFIG });

    const result = await run(['console', '--identity', 'deployer', '--print']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const url = new URL(result.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${emu.url}/federation`);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('Destination')).toBe(HOME_PAGE);
    expect(url.searchParams.get('SigninToken')).toBeTruthy();
    expect(result.stderr).not.toContain(url.searchParams.get('SigninToken'));

    const landing = await open(url.toString());
    expect(landing.status).toBe(302);
    expect(landing.headers.get('location')).toBe(HOME_PAGE);
    expect((await open(url.toString())).status).toBe(400);
  });

  it('keeps the sign-in token and the credentials out of the log, even at debug level', async () => {
    const { sandbox, run } = await signedInSandbox({ config: CONFIG });
    const result = await run(['console', '--identity', 'deployer', '--print', '--log-level', 'debug']);
    expect(result.code, result.stderr).toBe(0);
    const token = new URL(result.stdout.trim()).searchParams.get('SigninToken')!;
    expect(result.stderr).toContain('debug');
    expect(result.stderr).not.toContain(token);
    const folder = sandbox.path('.local', 'state', 'rolecall', 'secrets');
    for (const name of readdirSync(folder)) {
      const record = JSON.parse(readFileSync(join(folder, name), 'utf8'));
      for (const key of ['accessToken', 'secretAccessKey', 'sessionToken'])
        if (typeof record[key] === 'string') expect(result.stderr).not.toContain(record[key]);
    }
  });

  it('lands on the page given with --destination', async () => {
    const { run } = await signedInSandbox({ config: CONFIG });
    const destination = 'https://us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1&tab=general';

    const result = await run(['console', '--identity', 'two-hours', '--print', '--destination', destination]);

    expect(result.code, result.stderr).toBe(0);
    const landing = await open(result.stdout.trim());
    expect(landing.status).toBe(302);
    expect(landing.headers.get('location')).toBe(destination);
  });

  it('opens a private page through $BROWSER, the sign-in token never in its argv', async () => {
    const { sandbox, run } = await signedInSandbox({ config: CONFIG });
    // A stand-in browser that writes down its arguments (renamed into place, so the file appears whole).
    const browser = sandbox.write(
      'browser.mjs',
      `import { renameSync, writeFileSync } from 'node:fs';
const log = process.env.BROWSER_LOG;
writeFileSync(log + '.tmp', JSON.stringify(process.argv.slice(2)));
renameSync(log + '.tmp', log);
`,
    );
    const log = sandbox.path('browser-argv.json');

    const result = await run(['console', '--identity', 'deployer'], {
      BROWSER: `${process.execPath} ${browser}`,
      BROWSER_LOG: log,
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Opened the AWS console as deployer');
    // The browser starts on its own; the page waits for it.
    while (!existsSync(log)) await new Promise((resolve) => setTimeout(resolve, 20));
    const argv = JSON.parse(readFileSync(log, 'utf8')) as string[];
    expect(argv).toHaveLength(1);
    expect(argv[0]).toMatch(/^file:\/\//);
    expect(argv[0]).not.toContain('SigninToken');
    expect(argv[0]).not.toContain('federation');

    const page = fileURLToPath(argv[0]!);
    expect(page.startsWith(sandbox.path('.local', 'state', 'rolecall', 'console'))).toBe(true);
    expect(statSync(page).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(page)).mode & 0o777).toBe(0o700);
    const html = readFileSync(page, 'utf8');
    const href = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const url = href!.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
    expect(url).toContain('/federation?Action=login');
    expect(url).toContain('SigninToken=');
    const landing = await open(url);
    expect(landing.status).toBe(302);
    expect(landing.headers.get('location')).toBe(HOME_PAGE);
  });

  it('refuses a destination that is not https with exit 2, before fetching anything', async () => {
    const { emu, run } = await signedInSandbox({ config: CONFIG });
    for (const destination of ['http://console.aws.amazon.com/', 'javascript:alert(1)', 'file:///etc/passwd']) {
      const result = await run(['console', '--identity', 'deployer', '--print', '--destination', destination]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('is not an https URL');
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
    expect(opCount(emu, 'GetRoleCredentials')).toBe(0);
  });

  it('refuses long-lived keys of an aws/user with exit 2', async () => {
    const { run } = await signedInSandbox({ config: CONFIG });
    const result = await run(['console', '--identity', 'ci-user', '--print'], {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('temporary credentials');
    expect(result.stderr).not.toContain('wJalrXUtnFEMI');
  });
});
