import { describe, expect, it } from 'vitest';
import { generateOrg } from '../../src/emulator/index.js';
import { type CliResult, parseWhoami, STACK_FRAME } from '../support/cli.js';
import { opCount, providerConfig, signedInSandbox } from '../support/emulator.js';

/** An identity for a permission set in an account given by id (`id`) or by name only (`name`). */
const permissionSet = (name: string, role: string, account: { id?: string; name?: string }, extra = '') =>
  `    ${name}:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: ${role}, account: ${JSON.stringify(account)} }
${extra}`;

const assumeRole = (name: string, via: string, roleArn: string, extra = '') =>
  `    ${name}:
      kind: aws/assume-role
      via: { identity: ${JSON.stringify(via)} }
      principal: { assume_role: "${roleArn}"${extra} }
`;

/** The provider without auto-provisioning, and these identities. */
const withIdentities = (...entries: string[]) => providerConfig({ extra: `  identities:\n${entries.join('')}` });

/** A usage error: exit 2, one message and a hint on stderr, nothing on stdout, no stack trace. */
function usageError(result: CliResult): string {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: /m);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  return result.stderr;
}

const THREE = withIdentities(
  permissionSet('prod-deployer', 'DeployerAccess', { id: '222222222222' }),
  permissionSet('staging-deployer', 'DeployerAccess', { id: '333333333333' }),
  permissionSet('dev-admin', 'AdministratorAccess', { id: '444444444444' }),
);

describe('choosing the identity', () => {
  it('uses ROLECALL_IDENTITY, and --identity over it', async () => {
    const { run } = await signedInSandbox({ config: THREE });

    const fromEnv = parseWhoami(await run(['whoami', '--format', 'json'], { ROLECALL_IDENTITY: 'staging-deployer' }));
    expect(fromEnv).toMatchObject({ identity: 'staging-deployer', account: '333333333333' });

    const fromFlag = parseWhoami(
      await run(['whoami', '--identity', 'dev-admin', '--format', 'json'], { ROLECALL_IDENTITY: 'staging-deployer' }),
    );
    expect(fromFlag).toMatchObject({ identity: 'dev-admin', account: '444444444444' });

    const credentials = await run(['credential-process'], { ROLECALL_IDENTITY: 'staging-deployer' });
    expect(credentials.code).toBe(0);
    expect(JSON.parse(credentials.stdout).AccessKeyId).toBeTruthy();
  });

  it('uses the identity marked default: true when none is named, ROLECALL_IDENTITY over it', async () => {
    const { run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('prod-deployer', 'DeployerAccess', { id: '222222222222' }),
        permissionSet('staging-deployer', 'DeployerAccess', { id: '333333333333' }, '      default: true\n'),
      ),
    });

    expect(parseWhoami(await run(['whoami', '--format', 'json']))).toMatchObject({
      identity: 'staging-deployer',
      account: '333333333333',
    });
    const credentials = await run(['credential-process']);
    expect(credentials.code, credentials.stderr).toBe(0);
    expect(
      parseWhoami(await run(['whoami', '--format', 'json'], { ROLECALL_IDENTITY: 'prod-deployer' })).identity,
    ).toBe('prod-deployer');
  });

  it('uses a discovered identity that a manual entry marks default: true', async () => {
    const { run } = await signedInSandbox({
      config: providerConfig({
        autoProvision: true,
        extra: '  identities:\n    production/DeployerAccess: { default: true }\n',
      }),
    });

    expect(parseWhoami(await run(['whoami', '--format', 'json']))).toMatchObject({
      identity: 'production/DeployerAccess',
      account: '222222222222',
    });
    const credentials = await run(['credential-process']);
    expect(credentials.code, credentials.stderr).toBe(0);
    expect(JSON.parse(credentials.stdout).Version).toBe(1);
  });

  it('finds a name given in another case when only one identity has it', async () => {
    const { run } = await signedInSandbox({ config: THREE });
    expect(parseWhoami(await run(['whoami', '--identity', 'STAGING-Deployer', '--format', 'json']))).toMatchObject({
      identity: 'staging-deployer',
      account: '333333333333',
    });
    const first = await run(['credential-process', '--identity', 'Dev-Admin']);
    const second = await run(['credential-process', '--identity', 'Dev-Admin']);
    expect(first.code, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('prefers the exact name, and refuses a case-insensitive one that two identities share, listing both', async () => {
    const { run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('Deployer', 'DeployerAccess', { id: '222222222222' }),
        permissionSet('deployer', 'DeployerAccess', { id: '333333333333' }),
      ),
    });
    expect(parseWhoami(await run(['whoami', '--identity', 'deployer', '--format', 'json'])).account).toBe(
      '333333333333',
    );
    expect(parseWhoami(await run(['whoami', '--identity', 'Deployer', '--format', 'json'])).account).toBe(
      '222222222222',
    );

    for (const result of [
      await run(['whoami', '--identity', 'DEPLOYER']),
      await run(['credential-process', '--identity', 'DEPLOYER']),
      await run(['credential-process'], { ROLECALL_IDENTITY: 'DEPLOYER' }),
    ]) {
      const message = usageError(result);
      expect(message).toContain('DEPLOYER');
      expect(message).toContain('Deployer, deployer');
      expect(message).toContain('differ only in case');
    }
  });

  it('refuses an unknown name with exit 2, suggesting the nearest ones', async () => {
    const { emu, run } = await signedInSandbox({ config: providerConfig({ autoProvision: true }) });

    const typo = usageError(await run(['whoami', '--identity', 'production/DeployerAcess']));
    expect(typo).toContain('--identity production/DeployerAcess: no such identity');
    expect(typo).toMatch(/did you mean [^\n]*production\/DeployerAccess/);

    const fromEnv = usageError(await run(['credential-process'], { ROLECALL_IDENTITY: 'staging/ReadOnly' }));
    expect(fromEnv).toContain('ROLECALL_IDENTITY=staging/ReadOnly: no such identity');
    expect(fromEnv).toMatch(/did you mean [^\n]*staging\/ReadOnlyAccess/);

    const nothingClose = usageError(await run(['credential-process', '--identity', 'zzzzzzzzzzzzzzzz']));
    expect(nothingClose).not.toContain('did you mean');
    expect(nothingClose).toContain('rolecall list');
    expect(opCount(emu, 'GetRoleCredentials')).toBe(0);
  });

  it('lists the identities with exit 2 when none is chosen and there is no terminal', async () => {
    const { emu, run } = await signedInSandbox({ config: THREE });
    for (const command of [['whoami'], ['credential-process'], ['console', '--print']]) {
      const message = usageError(await run(command));
      expect(message).toContain('no identity chosen; configured: dev-admin, prod-deployer, staging-deployer');
      expect(message).toContain('--identity');
    }
    expect(opCount(emu, 'GetRoleCredentials')).toBe(0);
  });

  it('asks on a terminal, typing to filter', async () => {
    const { env, sandbox } = await signedInSandbox({ config: THREE });
    const terminal = sandbox.startInTerminal(['whoami', '--format', 'json'], { env });
    await terminal.waitFor('stdout', /Which identity\?/);
    terminal.child.stdin!.write('stagdep');
    // Enter once the filtered list puts the match under the cursor.
    await terminal.waitFor('stdout', /❯[^\n]*staging-deployer/);
    terminal.child.stdin!.write('\r');
    const { code, stdout: screen } = await terminal.done;
    expect(code).toBe(0);
    expect(screen).toContain('"identity": "staging-deployer"');
    expect(screen).toContain('"account": "333333333333"');
  });
});

describe('where credentials come from', () => {
  it('finds an account given by name only through every page of ListAccounts', async () => {
    // 250 accounts: more than one page even at the largest page size a client may ask for.
    const { emu, run } = await signedInSandbox({
      config: withIdentities(permissionSet('far-away', 'AdministratorAccess', { name: 'account-0242' })),
      emulator: { org: generateOrg(250, 1), pageSize: 2 },
    });

    const result = parseWhoami(await run(['whoami', '--identity', 'far-away', '--format', 'json']));

    expect(result.account).toBe('100000000242');
    expect(result.arn).toMatch(/^arn:aws:sts::100000000242:assumed-role\/AWSReservedSSO_AdministratorAccess_/);
    expect(opCount(emu, 'ListAccounts')).toBeGreaterThanOrEqual(3);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
  });

  it('explains an account name that matches no account, or two', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('nowhere', 'ReadOnlyAccess', { name: 'no-such-account' }),
        permissionSet('twin', 'PowerUserAccess', { name: 'sandbox' }),
      ),
    });

    const unknown = usageError(await run(['credential-process', '--identity', 'nowhere']));
    expect(unknown).toContain('no account named "no-such-account" is assigned to you');
    expect(unknown).toContain('principal.account.id');

    const twin = usageError(await run(['whoami', '--identity', 'twin']));
    expect(twin).toContain('555555555555');
    expect(twin).toContain('555555555556');
    expect(opCount(emu, 'GetRoleCredentials')).toBe(0);
  });

  it('chains roles to any depth: whoami shows the last role', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('prod-reader', 'ReadOnlyAccess', { id: '222222222222' }),
        assumeRole('hop-1', 'prod-reader', 'arn:aws:iam::444444444444:role/First'),
        assumeRole('hop-2', 'hop-1', 'arn:aws:iam::333333333333:role/path/Second', ', session_name: deep-chain'),
      ),
    });

    const result = parseWhoami(await run(['whoami', '--identity', 'hop-2', '--format', 'json']));

    expect(result).toMatchObject({
      identity: 'hop-2',
      account: '333333333333',
      arn: 'arn:aws:sts::333333333333:assumed-role/Second/deep-chain',
      credentials: 'fetched',
    });
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
    expect(opCount(emu, 'AssumeRole')).toBe(2);
    // The steps before it were cached on the way.
    expect(parseWhoami(await run(['whoami', '--identity', 'hop-1', '--format', 'json']))).toMatchObject({
      account: '444444444444',
      credentials: 'cache',
    });
    expect(opCount(emu, 'AssumeRole')).toBe(2);
  });

  it('assumes the roles after a step again once that step is redefined', async () => {
    const chain = (firstAccount: string) =>
      withIdentities(
        permissionSet('prod-reader', 'ReadOnlyAccess', { id: '222222222222' }),
        assumeRole('hop-1', 'prod-reader', `arn:aws:iam::${firstAccount}:role/First`),
        assumeRole('hop-2', 'hop-1', 'arn:aws:iam::333333333333:role/Second', ', session_name: deep-chain'),
      );
    const { emu, run, sandbox } = await signedInSandbox({ config: chain('444444444444') });
    const before = parseWhoami(await run(['whoami', '--identity', 'hop-2', '--format', 'json']));
    expect(opCount(emu, 'AssumeRole')).toBe(2);

    sandbox.write('rolecall.yaml', chain('666666666666'), 30);
    const after = parseWhoami(await run(['whoami', '--identity', 'hop-2', '--format', 'json']));

    expect(after).toMatchObject({ arn: before.arn, credentials: 'fetched' });
    expect(opCount(emu, 'AssumeRole')).toBe(4);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
  });

  it('makes one call per step for 20 parallel calls on a cold chain', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('prod-reader', 'ReadOnlyAccess', { id: '222222222222' }),
        assumeRole('hop-1', 'prod-reader', 'arn:aws:iam::444444444444:role/First'),
      ),
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => run(['credential-process', '--identity', 'hop-1'])),
    );
    expect(results.map((result) => result.code)).toEqual(Array(20).fill(0));
    expect(new Set(results.map((result) => result.stdout)).size).toBe(1);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
    expect(opCount(emu, 'AssumeRole')).toBe(1);
  }, 120_000);

  it('refuses a chain that goes in a circle with exit 2', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(
        assumeRole('loop-a', 'loop-b', 'arn:aws:iam::444444444444:role/A'),
        assumeRole('loop-b', 'loop-a', 'arn:aws:iam::444444444444:role/B'),
      ),
      login: false,
    });
    for (const result of [
      await run(['credential-process', '--identity', 'loop-a']),
      await run(['whoami', '--identity', 'loop-b']),
    ]) {
      const message = usageError(result);
      expect(message).toMatch(/cycle|circle/);
      expect(message).toContain('loop-a');
    }
    expect(opCount(emu, 'AssumeRole')).toBe(0);
  });

  it('refuses an assume-role that starts from a provider, pointing to a permission set instead', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(`    bare-role:
      kind: aws/assume-role
      via: { provider: sso-prod }
      principal: { assume_role: "arn:aws:iam::444444444444:role/A" }
`),
    });
    const message = usageError(await run(['credential-process', '--identity', 'bare-role']));
    expect(message).toContain('bare-role');
    expect(message).toContain('permission set');
    expect(opCount(emu, 'AssumeRole')).toBe(0);
  });

  it('says an assume-role via a provider kind rolecall does not support cannot get credentials for that reason', async () => {
    const { run } = await signedInSandbox({
      config: providerConfig({
        extra: `    gh:
      kind: github/oidc
  identities:
    gh-deploy:
      kind: aws/assume-role
      via: { provider: gh }
      principal: { assume_role: "arn:aws:iam::444444444444:role/Deploy" }
`,
      }),
      login: false,
    });
    const message = usageError(await run(['credential-process', '--identity', 'gh-deploy']));
    expect(message).toContain('gh-deploy');
    // Not "provider gh issues credentials only through its permission sets": a GitHub provider has none.
    expect(message).not.toContain('through its permission sets');
    expect(message).toContain('github/oidc');
  });

  it('prints the keys of an aws/user from the environment as they are, with no expiry', async () => {
    const { run } = await signedInSandbox({
      config: withIdentities('    ci-user: { kind: aws/user }\n'),
      login: false,
    });
    const keys = {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };

    const result = await run(['credential-process', '--identity', 'ci-user'], keys);

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Version: 1,
      AccessKeyId: keys.AWS_ACCESS_KEY_ID,
      SecretAccessKey: keys.AWS_SECRET_ACCESS_KEY,
    });
    expect(result.stderr).not.toContain(keys.AWS_SECRET_ACCESS_KEY);
  });

  it('runs whoami as an aws/user with keys from the environment', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('prod-deployer', 'DeployerAccess', { id: '222222222222' }),
        '    ci-user: { kind: aws/user }\n',
      ),
    });
    // The emulator's STS knows only the keys it issued: a user's keys stand in as such ones.
    const issued = JSON.parse((await run(['credential-process', '--identity', 'prod-deployer'])).stdout);

    const result = parseWhoami(
      await run(['whoami', '--identity', 'ci-user', '--format', 'json'], {
        AWS_ACCESS_KEY_ID: issued.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: issued.SecretAccessKey,
        AWS_SESSION_TOKEN: issued.SessionToken,
      }),
    );

    expect(result).toMatchObject({ identity: 'ci-user', account: '222222222222', credentials: 'environment' });
    expect(opCount(emu, 'GetCallerIdentity')).toBe(1);
  });

  it('assumes a role via an aws/user again for other keys, never handing out what other keys got', async () => {
    const { emu, run } = await signedInSandbox({
      config: withIdentities(
        permissionSet('prod-deployer', 'DeployerAccess', { id: '222222222222' }),
        permissionSet('staging-deployer', 'DeployerAccess', { id: '333333333333' }),
        '    ci-user: { kind: aws/user }\n',
        assumeRole('ci-deploy', 'ci-user', 'arn:aws:iam::444444444444:role/Deploy', ', session_name: ci'),
      ),
    });
    // Keys the emulator issued stand in for two users' keys.
    const keysOf = async (identity: string) => {
      const issued = JSON.parse((await run(['credential-process', '--identity', identity])).stdout);
      return {
        AWS_ACCESS_KEY_ID: issued.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: issued.SecretAccessKey,
        AWS_SESSION_TOKEN: issued.SessionToken,
      };
    };
    const alice = await keysOf('prod-deployer');
    const bob = await keysOf('staging-deployer');

    const forAlice = await run(['credential-process', '--identity', 'ci-deploy'], alice);
    expect(forAlice.code, forAlice.stderr).toBe(0);
    expect(opCount(emu, 'AssumeRole')).toBe(1);
    const forBob = await run(['credential-process', '--identity', 'ci-deploy'], bob);

    expect(forBob.code, forBob.stderr).toBe(0);
    expect(opCount(emu, 'AssumeRole')).toBe(2);
    expect(JSON.parse(forBob.stdout).AccessKeyId).not.toBe(JSON.parse(forAlice.stdout).AccessKeyId);
  });

  it('fails with exit 3 and a hint for an aws/user without keys', async () => {
    const { run } = await signedInSandbox({
      config: withIdentities('    ci-user: { kind: aws/user }\n'),
      login: false,
    });
    const result = await run(['credential-process', '--identity', 'ci-user']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});
