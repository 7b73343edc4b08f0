import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { type CliResult, cliPath, type Sandbox, STACK_FRAME, startProcess } from '../support/cli.js';
import { emulator, opCount, providerConfig, signedInSandbox } from '../support/emulator.js';

/** A provider without auto-provisioning, and one manual identity: DeployerAccess in `account`. */
const deployerConfig = (account = '222222222222') =>
  providerConfig({
    extra: `  identities:
    deployer:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: DeployerAccess, account: { id: "${account}" } }
`,
  });

interface ProcessCredentials {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration?: string;
}

/** The one JSON document a credential_process prints, checked to be all there is on stdout. */
function parseOutput(result: CliResult): ProcessCredentials {
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.endsWith('\n')).toBe(true);
  expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
  const parsed = JSON.parse(result.stdout) as ProcessCredentials;
  expect(result.stdout).toBe(`${JSON.stringify(parsed)}\n`);
  return parsed;
}

/** Who STS says the credentials are, asked with the AWS SDK at the emulator. */
async function callerOf(emu: Emulator, credentials: ProcessCredentials) {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
    },
  });
  try {
    return await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}

const secretsFolder = (sandbox: Sandbox) => sandbox.path('.local', 'state', 'rolecall', 'secrets');
const indexFolder = (sandbox: Sandbox) => sandbox.path('.cache', 'rolecall', 'credentials');

/** Every secret the file store holds: SSO tokens, client secrets, role credentials. */
function storedSecrets(sandbox: Sandbox): string[] {
  const secrets: string[] = [];
  for (const name of readdirSync(secretsFolder(sandbox))) {
    const record = JSON.parse(readFileSync(join(secretsFolder(sandbox), name), 'utf8'));
    for (const key of ['accessToken', 'refreshToken', 'clientSecret', 'secretAccessKey', 'sessionToken'])
      if (typeof record[key] === 'string') secrets.push(record[key]);
  }
  return secrets;
}

/** Makes the stored SSO session look obtained a while ago, as time would (see login.test.ts). */
function ageSession(sandbox: Sandbox, seconds: number): void {
  for (const name of readdirSync(secretsFolder(sandbox))) {
    const file = join(secretsFolder(sandbox), name);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    if (!record.accessToken) continue;
    record.issuedAt = new Date(Date.parse(record.issuedAt) - seconds * 1000).toISOString();
    writeFileSync(file, JSON.stringify(record));
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;

/**
 * The CLI as an AWS tool runs it in the background: in a session of its own (setsid), so it has no
 * controlling terminal to show a sign-in code on, wherever the tests run.
 */
const withoutTerminal = (sandbox: Sandbox, env: NodeJS.ProcessEnv, args: string[]) =>
  startProcess('setsid', ['-w', process.execPath, cliPath, ...args], {
    cwd: sandbox.home,
    env: { ...sandbox.env, ...env },
  }).done;

describe('rolecall credential-process', () => {
  it('prints Version 1 JSON whose keys STS accepts as the identity', async () => {
    const { emu, run } = await signedInSandbox({ config: deployerConfig() });

    const credentials = parseOutput(await run(['credential-process', '--identity', 'deployer']));

    expect(Object.keys(credentials)).toEqual([
      'Version',
      'AccessKeyId',
      'SecretAccessKey',
      'SessionToken',
      'Expiration',
    ]);
    expect(credentials.Version).toBe(1);
    expect(credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(credentials.SessionToken).toBeTruthy();
    expect(credentials.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(Date.parse(credentials.Expiration!)).toBeGreaterThan(Date.now());
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);

    const caller = await callerOf(emu, credentials);
    expect(caller.Account).toBe('222222222222');
    expect(caller.Arn).toMatch(
      /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_DeployerAccess_[0-9a-f]{16}\/alice@example\.com$/,
    );
  });

  it('answers a second call from the cache with the same credentials, without loading the configuration', async () => {
    const { emu, run, sandbox } = await signedInSandbox({ config: deployerConfig() });
    const first = await run(['credential-process', '--identity', 'deployer']);
    parseOutput(first);
    // The full path reads the configuration through its compiled form; the cached answer does not.
    const compiled = sandbox.path('.cache', 'rolecall', 'compiled');
    expect(existsSync(compiled)).toBe(true);
    for (const name of readdirSync(compiled)) writeFileSync(join(compiled, name), 'damaged');

    const second = await run(['credential-process', '--identity', 'deployer']);

    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe('');
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
    expect(opCount(emu, 'CreateToken')).toBe(0);
    for (const name of readdirSync(compiled)) expect(readFileSync(join(compiled, name), 'utf8')).toBe('damaged');
  });

  it('answers from the cache for ROLECALL_IDENTITY too, and with --identity=NAME', async () => {
    const { emu, run } = await signedInSandbox({ config: deployerConfig() });
    const first = parseOutput(await run(['credential-process'], { ROLECALL_IDENTITY: 'deployer' }));
    const viaEnv = parseOutput(await run(['credential-process'], { ROLECALL_IDENTITY: 'deployer' }));
    const inline = parseOutput(await run(['credential-process', '--identity=deployer']));
    expect(viaEnv).toEqual(first);
    expect(inline).toEqual(first);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
  });

  it('answers from the cache for the default identity, until the configuration names another or none', async () => {
    const config = deployerConfig().replace(
      '      kind: aws/permission-set\n',
      '      kind: aws/permission-set\n      default: true\n',
    );
    const { emu, run, sandbox } = await signedInSandbox({ config });
    const first = await run(['credential-process']);
    parseOutput(first);
    const compiled = sandbox.path('.cache', 'rolecall', 'compiled');
    for (const name of readdirSync(compiled)) writeFileSync(join(compiled, name), 'damaged');

    const second = await run(['credential-process']);

    // From the cache alone: the damaged compiled configuration was not even read.
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe('');
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);

    sandbox.write('rolecall.yaml', deployerConfig());
    const noDefault = await run(['credential-process']);
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toContain('error: no identity chosen');
  });

  it('makes one GetRoleCredentials for 50 parallel calls with a cold cache, all printing the same', async () => {
    const { emu, run } = await signedInSandbox({ config: deployerConfig() });

    const results = await Promise.all(
      Array.from({ length: 50 }, () => run(['credential-process', '--identity', 'deployer'])),
    );

    expect(results.map((result) => result.code)).toEqual(Array(50).fill(0));
    expect(new Set(results.map((result) => result.stdout)).size).toBe(1);
    parseOutput(results[0]!);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
    expect(opCount(emu, 'CreateToken')).toBe(0);
  }, 180_000);

  it('makes one session refresh and one GetRoleCredentials for 50 parallel calls on an expiring session', async () => {
    // Tokens that live 5 minutes are inside the refresh window once they are more than a minute old.
    const { emu, run, sandbox } = await signedInSandbox({ config: deployerConfig(), emulator: { tokenTtl: 300 } });
    ageSession(sandbox, 120);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => run(['credential-process', '--identity', 'deployer'])),
    );

    expect(results.map((result) => result.code)).toEqual(Array(50).fill(0));
    expect(new Set(results.map((result) => result.stdout)).size).toBe(1);
    expect(opCount(emu, 'CreateToken')).toBe(1);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(0);
  }, 180_000);

  it('fetches credentials again when the cached ones have less than 10 minutes left', async () => {
    const { emu, run } = await signedInSandbox({ config: deployerConfig(), emulator: { credentialTtl: 300 } });

    const first = parseOutput(await run(['credential-process', '--identity', 'deployer']));
    const second = parseOutput(await run(['credential-process', '--identity', 'deployer']));

    expect(opCount(emu, 'GetRoleCredentials')).toBe(2);
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    expect((await callerOf(emu, second)).Account).toBe('222222222222');
  });

  it('does not answer from the cache once the configuration points the identity elsewhere', async () => {
    const { emu, run, sandbox } = await signedInSandbox({ config: deployerConfig() });
    const before = parseOutput(await run(['credential-process', '--identity', 'deployer']));
    expect((await callerOf(emu, before)).Account).toBe('222222222222');

    // Same size, another account: only the modification time tells the files apart.
    sandbox.write('rolecall.yaml', deployerConfig('333333333333'), 30);
    const after = parseOutput(await run(['credential-process', '--identity', 'deployer']));

    expect(after.AccessKeyId).not.toBe(before.AccessKeyId);
    expect((await callerOf(emu, after)).Account).toBe('333333333333');
    expect(opCount(emu, 'GetRoleCredentials')).toBe(2);
  });

  it('does not answer from the cache once an imported file redefines the identity', async () => {
    const providerOnly = `import: ["auth.d/*.yaml"]\n${deployerConfig().slice(0, deployerConfig().indexOf('  identities:'))}`;
    const imported = (account: string) =>
      `auth:\n  identities:\n    deployer:\n      kind: aws/permission-set\n      via: { provider: sso-prod }\n      principal: { name: DeployerAccess, account: { id: "${account}" } }\n`;
    const { emu, run, sandbox } = await signedInSandbox({ config: providerOnly, login: false });
    sandbox.write('auth.d/deployer.yaml', imported('222222222222'));
    expect((await run(['login', '--use-device-code'])).code).toBe(0);
    const before = parseOutput(await run(['credential-process', '--identity', 'deployer']));
    expect((await callerOf(emu, before)).Account).toBe('222222222222');

    sandbox.write('auth.d/deployer.yaml', imported('333333333333'), 30);
    const after = parseOutput(await run(['credential-process', '--identity', 'deployer']));

    expect((await callerOf(emu, after)).Account).toBe('333333333333');
  });

  it('does not answer from the cache when pointed at another endpoint', async () => {
    const { run, sandbox } = await signedInSandbox({ config: deployerConfig() });
    parseOutput(await run(['credential-process', '--identity', 'deployer']));
    const { emu: other, env: otherEnv } = await emulator({ autoApprove: true });

    // The same portal behind another endpoint, which knows neither these credentials nor the session.
    const result = await withoutTerminal(sandbox, otherEnv, ['credential-process', '--identity', 'deployer']);

    expect(opCount(other, 'GetRoleCredentials')).toBe(1);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });

  it('fails with exit 3 and names `rolecall login` when there is no session and no terminal', async () => {
    const { emu, env, sandbox } = await signedInSandbox({ config: deployerConfig(), login: false });

    const result = await withoutTerminal(sandbox, env, ['credential-process', '--identity', 'deployer']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('rolecall login --provider sso-prod');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(0);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(0);
  });

  it('fails with exit 3 when the session has expired and cannot be refreshed, and there is no terminal', async () => {
    const { emu, env, sandbox } = await signedInSandbox({ config: deployerConfig(), emulator: { tokenTtl: 300 } });
    ageSession(sandbox, 120);
    emu.revokeTokens({ refreshTokens: true });

    const result = await withoutTerminal(sandbox, env, ['credential-process', '--identity', 'deployer']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('rolecall login --provider sso-prod');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(opCount(emu, 'CreateToken')).toBe(1);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(0);
  });

  it('fails with exit 3 naming `rolecall login --provider sso-prod` once the session was ended at AWS', async () => {
    const { emu, env, sandbox } = await signedInSandbox({ config: deployerConfig() });
    // Logged out elsewhere (or revoked by an administrator): the token still looks valid here.
    emu.revokeTokens();

    const result = await withoutTerminal(sandbox, env, ['credential-process', '--identity', 'deployer']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr).toContain('rolecall login --provider sso-prod');
  });

  it('works again after the `rolecall login` its hint asks for, once the session was ended at AWS', async () => {
    const { emu, env, sandbox, run } = await signedInSandbox({ config: deployerConfig() });
    emu.revokeTokens();
    const failed = await withoutTerminal(sandbox, env, ['credential-process', '--identity', 'deployer']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('rolecall login');

    const login = await run(['login']);
    expect(login.code, login.stderr).toBe(0);
    const again = await withoutTerminal(sandbox, env, ['credential-process', '--identity', 'deployer']);

    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect((await callerOf(emu, parseOutput(again))).Account).toBe('222222222222');
  });

  it('fails with exit 3 after logout, not answering from the cache', async () => {
    const { env, run, sandbox } = await signedInSandbox({ config: deployerConfig() });
    parseOutput(await run(['credential-process', '--identity', 'deployer']));
    expect((await run(['logout'])).code).toBe(0);

    const result = await withoutTerminal(sandbox, env, ['credential-process', '--identity', 'deployer']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('rolecall login --provider sso-prod');
  });

  it('keeps every secret off stderr, even at debug level, and stdout holds the JSON alone', async () => {
    const { run, sandbox } = await signedInSandbox({ config: deployerConfig(), emulator: { tokenTtl: 300 } });
    ageSession(sandbox, 120);
    const outputs = [
      // A session refresh and a fetch...
      await run(['credential-process', '--identity', 'deployer', '--log-level', 'debug']),
      // ...an answer from the store on the full path...
      await run(['credential-process', '--identity', 'deployer', '--log-level', 'debug']),
      await run(['credential-process', '--identity', 'deployer'], { ROLECALL_LOG_LEVEL: 'debug' }),
      // ...and from the cache alone.
      await run(['credential-process', '--identity', 'deployer']),
    ];
    const printed = outputs.map(parseOutput);
    expect(new Set(printed.map((credentials) => credentials.AccessKeyId)).size).toBe(1);
    expect(outputs[0]!.stderr).toContain('debug');
    const secrets = [...storedSecrets(sandbox), printed[0]!.SecretAccessKey, printed[0]!.SessionToken!];
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const output of outputs) for (const secret of secrets) expect(output.stderr).not.toContain(secret);
  });

  it('keeps the index and the secrets private, and no secret in the cache folder', async () => {
    const { run, sandbox } = await signedInSandbox({ config: deployerConfig() });
    const credentials = parseOutput(await run(['credential-process', '--identity', 'deployer']));

    const index = sandbox.files('.cache/rolecall/credentials');
    expect(index.length).toBeGreaterThan(0);
    expect(mode(indexFolder(sandbox))).toBe(0o700);
    for (const file of index) expect(mode(join(indexFolder(sandbox), file))).toBe(0o600);
    expect(mode(secretsFolder(sandbox))).toBe(0o700);
    for (const file of sandbox.files('.local/state/rolecall/secrets'))
      expect(mode(join(secretsFolder(sandbox), file))).toBe(0o600);

    const cacheTexts = sandbox.files('.cache').map((file) => readFileSync(sandbox.path('.cache', file), 'utf8'));
    expect(cacheTexts.length).toBeGreaterThan(0);
    for (const text of cacheTexts) {
      expect(text).not.toContain(credentials.SecretAccessKey);
      expect(text).not.toContain(credentials.SessionToken);
    }
    // Nor anywhere else outside the secure store.
    for (const file of sandbox.files().filter((name) => !name.startsWith('.local/state/rolecall/secrets/'))) {
      const text = readFileSync(sandbox.path(file), 'utf8');
      expect(text).not.toContain(credentials.SecretAccessKey);
      expect(text).not.toContain(credentials.SessionToken);
    }
  });
});
