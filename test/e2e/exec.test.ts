import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { cliPath, repoRoot, runEnv, Sandbox } from '../support/cli.js';
import {
  HOSTILE_IDENTITY,
  HOSTILE_IDENTITY_CONFIG,
  opCount,
  type SignedInSandbox,
  signedInSandbox,
} from '../support/emulator.js';

const ADMIN = 'production/AdministratorAccess';

/** What the AWS SDK, the AWS CLI or Terraform would take as credentials or a profile choice from a parent shell. */
const INHERITED = {
  AWS_ACCESS_KEY_ID: 'AKIAPARENTPARENTPARE',
  AWS_SECRET_ACCESS_KEY: 'parent-secret',
  AWS_SESSION_TOKEN: 'parent-session-token',
  AWS_SECURITY_TOKEN: 'parent-security-token',
  AWS_CREDENTIAL_EXPIRATION: '2000-01-01T00:00:00Z',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/parent/token',
  AWS_ROLE_ARN: 'arn:aws:iam::999999999999:role/Parent',
  AWS_ROLE_SESSION_NAME: 'parent',
  AWS_PROFILE: 'parent-profile',
  AWS_DEFAULT_PROFILE: 'parent-default-profile',
  AWS_CONFIG_FILE: '/parent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/parent/credentials',
  AWS_REGION: 'eu-central-1',
  AWS_DEFAULT_REGION: 'eu-central-1',
};

/** Prints the AWS and rolecall variables it got, and what it finds at AWS_CONFIG_FILE. */
const PRINT_ENV = `const fs = require('node:fs');
const path = require('node:path');
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(AWS_|ROLECALL_)/.test(name)));
const out = { env };
const file = process.env.AWS_CONFIG_FILE;
if (file && fs.existsSync(file)) {
  const credentials = process.env.AWS_SHARED_CREDENTIALS_FILE;
  out.config = {
    text: fs.readFileSync(file, 'utf8'),
    mode: fs.statSync(file).mode & 0o777,
    dirMode: fs.statSync(path.dirname(file)).mode & 0o777,
    credentials: fs.readFileSync(credentials, 'utf8'),
    credentialsMode: fs.statSync(credentials).mode & 0o777,
    sameFolder: path.dirname(credentials) === path.dirname(file),
  };
}
process.stdout.write(JSON.stringify(out));
`;

/** Calls STS GetCallerIdentity through the AWS SDK for JavaScript's default credential chain. */
const CALLER = `if (process.env.CHDIR_TO) process.chdir(process.env.CHDIR_TO);
const { STSClient, GetCallerIdentityCommand } = require(require.resolve('@aws-sdk/client-sts', { paths: [${JSON.stringify(repoRoot)}] }));
new STSClient({}).send(new GetCallerIdentityCommand({})).then(
  (identity) => process.stdout.write(JSON.stringify({ Account: identity.Account, Arn: identity.Arn, keyInEnv: process.env.AWS_ACCESS_KEY_ID ?? null })),
  (error) => { process.stderr.write(error.name + ': ' + error.message + '\\n'); process.exit(1); },
);
`;

const PRINT_ARGV = `process.stdout.write(JSON.stringify(process.argv.slice(2)));`;

/** Traps the signals rolecall passes on, then after a moment writes which one came and exits 42. */
const TRAP = `const fs = require('node:fs');
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']) {
  process.on(signal, () => setTimeout(() => { fs.writeFileSync(process.argv[2], signal); process.exit(42); }, 200));
}
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;

const WAIT = `process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;

/** Counts the SIGINTs it gets in the half second after the first, writes the count and exits 42. */
const COUNT_SIGINT = `const fs = require('node:fs');
let count = 0;
process.on('SIGINT', () => {
  if (count++ === 0) setTimeout(() => { fs.writeFileSync(process.argv[2], String(count)); process.exit(42); }, 500);
});
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;

/** A stand-in for terraform and tofu: its name, its arguments and the identity it runs as. */
const FAKE_TOOL = `#!${process.execPath}
process.stdout.write(JSON.stringify({
  tool: require('node:path').basename(process.argv[1]),
  argv: process.argv.slice(2),
  identity: process.env.ROLECALL_IDENTITY ?? null,
  profile: process.env.AWS_PROFILE ?? null,
  configFile: process.env.AWS_CONFIG_FILE ?? null,
  config: process.env.AWS_CONFIG_FILE ? require('node:fs').readFileSync(process.env.AWS_CONFIG_FILE, 'utf8') : null,
  accessKey: process.env.AWS_ACCESS_KEY_ID ?? null,
}));
process.exit(Number(process.env.FAKE_TOOL_EXIT ?? 0));
`;

const node = process.execPath;

describe('rolecall exec', () => {
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;
  let run: SignedInSandbox['run'];
  let start: SignedInSandbox['start'];
  const sandbox = new Sandbox();
  const script = (name: string) => sandbox.path('scripts', name);
  const runDir = sandbox.path('.local', 'state', 'rolecall', 'run');
  const runFolders = () => (existsSync(runDir) ? readdirSync(runDir) : []);
  const json = (text: string) => {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`not JSON: ${JSON.stringify(text)}`);
    }
  };

  beforeAll(async () => {
    for (const [name, text] of Object.entries({
      'print-env.cjs': PRINT_ENV,
      'caller.cjs': CALLER,
      'print-argv.cjs': PRINT_ARGV,
      'trap.cjs': TRAP,
      'wait.cjs': WAIT,
      'count-sigint.cjs': COUNT_SIGINT,
    })) {
      sandbox.write(join('scripts', name), text);
    }
    for (const tool of ['terraform', 'tofu']) chmodSync(sandbox.write(join('bin', tool), FAKE_TOOL), 0o755);
    ({ emu, env, run, start } = await signedInSandbox({
      sandbox,
      config: HOSTILE_IDENTITY_CONFIG,
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }));
  });

  it('gives the child exactly the documented AWS variables and none of the credentials it would have inherited', async () => {
    const result = await run(['exec', '--identity', ADMIN, '--', node, script('print-env.cjs')], {
      ...INHERITED,
      AWS_MAX_ATTEMPTS: '5',
    });

    expect(result.code, result.stderr).toBe(0);
    const { env: seen, config } = json(result.stdout);
    expect(config).toBeDefined();
    const configFile: string = seen.AWS_CONFIG_FILE;
    expect(seen).toEqual({
      ...runEnv(configFile, ADMIN),
      // Settings that are not credentials are the user's, and pass through.
      AWS_MAX_ATTEMPTS: '5',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // What points the AWS clients at the emulator.
      ...emu.env,
      ROLECALL_KEYRING: 'file',
    });
    expect(dirname(configFile).startsWith(`${runDir}/`)).toBe(true);
  });

  it('writes a private config whose one profile calls this rolecall back, and removes it when the child exits', async () => {
    const running = start(['exec', '--identity', ADMIN, '--', node, script('print-env.cjs')]);
    const result = await running.done;

    expect(result.code, result.stderr).toBe(0);
    const { env: seen, config } = json(result.stdout);
    const folder = dirname(seen.AWS_CONFIG_FILE);
    expect(dirname(folder)).toBe(runDir);
    expect(basename(folder)).toMatch(new RegExp(`^${running.child.pid}-[0-9a-f]+$`));
    expect(config.mode).toBe(0o600);
    expect(config.dirMode).toBe(0o700);
    expect(config.credentialsMode).toBe(0o600);
    expect(config.credentials).toBe('');
    expect(config.sameFolder).toBe(true);
    expect(config.text).toBe(
      `# rolecall identity ${ADMIN}\n[profile ${ADMIN}]\n` +
        `credential_process = ${node} ${cliPath} --config ${sandbox.path('rolecall.yaml')} credential-process --identity ${ADMIN}\n` +
        'region = us-east-1\n',
    );
    expect(existsSync(folder)).toBe(false);
    expect(runFolders()).toEqual([]);
  });

  it("exits with the child's own exit code", async () => {
    const result = await run(['exec', '--identity', ADMIN, '--', node, '-e', 'process.exit(7)']);

    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toBe('');
  });

  it('exits with 128 + the number of the signal that killed the child', async () => {
    const killed = await run(['exec', '--identity', ADMIN, '--', node, '-e', "process.kill(process.pid, 'SIGKILL')"]);
    const terminated = await run([
      'exec',
      '--identity',
      ADMIN,
      '--',
      node,
      '-e',
      "process.kill(process.pid, 'SIGTERM')",
    ]);

    expect(killed.code).toBe(128 + constants.signals.SIGKILL);
    expect(terminated.code).toBe(128 + constants.signals.SIGTERM);
    expect(runFolders()).toEqual([]);
  });

  it('passes arguments to the child untouched, with no shell in between', async () => {
    const args = [
      'two words',
      '"double"',
      "it's",
      '$HOME',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text a shell would expand
      '${PATH}',
      '*',
      '',
      'line one\nline two',
      '`uname`',
      '$(id)',
      'back\\slash',
      ';|&<>',
      '~',
      'ünïcödé',
      '--identity',
      'other',
      '--',
      '-e',
      '--help',
    ];

    const result = await run(['exec', '--identity', ADMIN, '--', node, script('print-argv.cjs'), ...args]);

    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout)).toEqual(args);
  });

  it('exits 127 with a message when the command is not found, and leaves no config behind', async () => {
    const result = await run(['exec', '--identity', ADMIN, '--', 'rolecall-no-such-command']);

    expect(result.code).toBe(127);
    expect(result.stderr).toContain('error: command not found: rolecall-no-such-command');
    expect(result.stderr).toMatch(/^hint: /m);
    expect(runFolders()).toEqual([]);
  });

  it("says where the command goes when its own options are taken for rolecall's", async () => {
    const result = await run(['exec', '--identity', ADMIN, node, '-e', 'process.exit(7)']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: unknown option '-e'\nhint: the command and its own options go after `--`: rolecall exec --identity NAME -- CMD ARGS...\n",
    );
    expect(runFolders()).toEqual([]);
  });

  it('exits 2 without running anything when no command is given', async () => {
    for (const args of [
      ['exec', '--identity', ADMIN],
      ['exec', '--identity', ADMIN, '--'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('error: exec needs a command to run');
      expect(result.stdout).toBe('');
    }
    expect(runFolders()).toEqual([]);
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'] as const) {
    it(`passes ${signal} sent to rolecall (no terminal) on to the child and exits with the child's code once it is done`, async () => {
      const marker = sandbox.path(`marker-${signal}`);
      const running = start(['exec', '--identity', ADMIN, '--', node, script('trap.cjs'), marker]);
      await running.waitFor('stdout', /ready/);

      running.child.kill(signal);
      const result = await running.done;

      expect(result.code, result.stderr).toBe(42);
      expect(readFileSync(marker, 'utf8')).toBe(signal);
      expect(runFolders()).toEqual([]);
    });
  }

  it('ends with 128 + 15 when SIGTERM passed on to a child that does not trap it ends the child', async () => {
    const running = start(['exec', '--identity', ADMIN, '--', node, script('wait.cjs')]);
    await running.waitFor('stdout', /ready/);

    running.child.kill('SIGTERM');
    const result = await running.done;

    expect(result.code).toBe(128 + constants.signals.SIGTERM);
    expect(runFolders()).toEqual([]);
  });

  it('leaves Ctrl+C on a terminal to the terminal, so that the child gets it once, not twice', async () => {
    const marker = sandbox.path('sigint-count');
    const running = sandbox.startInTerminal(
      ['exec', '--identity', ADMIN, '--', node, script('count-sigint.cjs'), marker],
      { env },
    );
    await running.waitFor('stdout', /ready/);

    running.child.stdin!.write('\x03');
    const result = await running.done;

    expect(result.code, result.stdout).toBe(42);
    expect(readFileSync(marker, 'utf8')).toBe('1');
  });

  it('removes the folders of rolecall processes that were killed before they could clean up, and no other', async () => {
    const dead = join(runDir, '999999999-0badc0de');
    const alive = join(runDir, `${process.pid}-0badc0de`);
    sandbox.write(join(dead.slice(sandbox.home.length + 1), 'config'), '[profile x]\n');
    sandbox.write(join(alive.slice(sandbox.home.length + 1), 'config'), '[profile x]\n');

    const result = await run(['exec', '--identity', ADMIN, '--', node, '-e', '0']);

    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(runFolders()).toEqual([basename(alive)]);
    rmSync(alive, { recursive: true });
  });

  it('keeps giving credentials to a child started deep in a project that moves to another folder', async () => {
    const project = sandbox.path('project', 'deep');
    mkdirSync(project, { recursive: true });

    const result = await sandbox.run(['exec', '--identity', ADMIN, '--', node, script('caller.cjs')], {
      cwd: project,
      env: { ...env, CHDIR_TO: '/' },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout).Account).toBe('222222222222');
  });

  it("lets an AWS SDK child call STS through the profile's credential_process as the identity, from the cache", async () => {
    const fetch = await run(['exec', '--identity', ADMIN, '--', node, '-e', '0']);
    expect(fetch.code, fetch.stderr).toBe(0);
    emu.resetStats();

    const result = await run(['exec', '--identity', ADMIN, '--', node, script('caller.cjs')], INHERITED);

    expect(result.code, result.stderr).toBe(0);
    const caller = json(result.stdout);
    expect(caller.keyInEnv).toBeNull();
    expect(caller.Account).toBe('222222222222');
    expect(caller.Arn).toMatch(
      /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/,
    );
    // Fetched once by the first exec; both this exec and the child's credential_process answer from the cache.
    expect(opCount(emu, 'GetRoleCredentials')).toBe(0);
    expect(opCount(emu, 'GetCallerIdentity')).toBe(1);
  });

  it('runs a child as an identity whose name needs quoting everywhere, chained through another role', async () => {
    const result = await run(['exec', '--identity', HOSTILE_IDENTITY, '--', node, script('caller.cjs')]);

    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout)).toEqual({
      Account: '333333333333',
      Arn: 'arn:aws:sts::333333333333:assumed-role/Deployer/interop',
      keyInEnv: null,
    });
  });

  it('puts working static keys in the environment instead of a profile with --export-keys', async () => {
    const printed = await run(
      ['exec', '--identity', ADMIN, '--export-keys', '--', node, script('print-env.cjs')],
      INHERITED,
    );
    const called = await run(
      ['exec', '--identity', ADMIN, '--export-keys', '--', node, script('caller.cjs')],
      INHERITED,
    );

    expect(printed.code, printed.stderr).toBe(0);
    const { env: seen, config } = json(printed.stdout);
    expect(config).toBeUndefined();
    expect(Object.keys(seen).sort()).toEqual(
      [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_CREDENTIAL_EXPIRATION',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_EC2_METADATA_DISABLED',
        'ROLECALL_IDENTITY',
        'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
        ...Object.keys(emu.env),
        'ROLECALL_KEYRING',
      ].sort(),
    );
    expect(seen.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(seen.AWS_SECRET_ACCESS_KEY).not.toBe(INHERITED.AWS_SECRET_ACCESS_KEY);
    expect(seen.AWS_SESSION_TOKEN).not.toBe(INHERITED.AWS_SESSION_TOKEN);
    expect(Date.parse(seen.AWS_CREDENTIAL_EXPIRATION)).toBeGreaterThan(Date.now());
    expect(seen.AWS_REGION).toBe('us-east-1');
    expect(seen.ROLECALL_IDENTITY).toBe(ADMIN);

    expect(called.code, called.stderr).toBe(0);
    const caller = json(called.stdout);
    expect(caller.keyInEnv).toBe(seen.AWS_ACCESS_KEY_ID);
    expect(caller.Account).toBe('222222222222');
    expect(runFolders()).toEqual([]);
  });

  describe('terraform and tofu shorthands', () => {
    const toolEnv = (extra: NodeJS.ProcessEnv = {}) => ({
      PATH: `${sandbox.path('bin')}:${sandbox.env['PATH']}`,
      ...extra,
    });

    it("takes rolecall's flags from among terraform's arguments and passes the rest in order, --help included", async () => {
      const result = await run(
        ['terraform', 'plan', '-var', 'x=1', '--identity', ADMIN, '--help', '-no-color', '-out=plan file'],
        toolEnv(),
      );

      expect(result.code, result.stderr).toBe(0);
      const seen = json(result.stdout);
      expect(seen).toMatchObject({
        tool: 'terraform',
        argv: ['plan', '-var', 'x=1', '--help', '-no-color', '-out=plan file'],
        identity: ADMIN,
        profile: ADMIN,
        accessKey: null,
      });
      expect(dirname(seen.configFile)).toMatch(new RegExp(`^${runDir}/`));
    });

    it('takes --identity=NAME and --export-keys for tofu, and passes everything after -- as it is', async () => {
      const result = await run(
        [
          'tofu',
          '--identity=production/ReadOnlyAccess',
          'apply',
          '--export-keys',
          '--',
          '--identity',
          'x',
          '--export-keys',
        ],
        toolEnv(),
      );

      expect(result.code, result.stderr).toBe(0);
      const seen = json(result.stdout);
      expect(seen).toMatchObject({
        tool: 'tofu',
        argv: ['apply', '--identity', 'x', '--export-keys'],
        identity: 'production/ReadOnlyAccess',
        profile: null,
        configFile: null,
      });
      expect(seen.accessKey).toMatch(/^ASIA/);
    });

    it("takes rolecall's global flags before and after the tool, and leaves the tool's own look-alikes alone", async () => {
      const result = await run(
        [
          '--log-level',
          'warn',
          'terraform',
          '--config',
          'rolecall.yaml',
          '-chdir=infra',
          'init',
          '--log-level=debug',
          '--no-color',
          '-no-color',
          '--identity',
          ADMIN,
        ],
        toolEnv(),
      );

      expect(result.code, result.stderr).toBe(0);
      const seen = json(result.stdout);
      expect(seen).toMatchObject({ argv: ['-chdir=infra', 'init', '-no-color'], identity: ADMIN });
      // A relative --config is written down whole: terraform -chdir moves the child elsewhere.
      expect(seen.config).toContain(` --config ${sandbox.path('rolecall.yaml')} credential-process `);
      // The later --log-level wins, as for any command.
      expect(result.stderr).toMatch(/^debug: /m);
    });

    it("exits with terraform's exit code", async () => {
      const result = await run(
        ['terraform', 'plan', '-detailed-exitcode', '--identity', ADMIN],
        toolEnv({ FAKE_TOOL_EXIT: '2' }),
      );

      expect(result.code).toBe(2);
      expect(json(result.stdout).argv).toEqual(['plan', '-detailed-exitcode']);
    });

    it('runs terraform as the identity in ROLECALL_IDENTITY when no --identity is given', async () => {
      const result = await run(['terraform', '--version'], toolEnv({ ROLECALL_IDENTITY: ADMIN }));

      expect(result.code, result.stderr).toBe(0);
      expect(json(result.stdout)).toMatchObject({ argv: ['--version'], identity: ADMIN });
    });
  });
});
