import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { type CliResult, repoRoot, Sandbox, STACK_FRAME } from '../support/cli.js';
import { emulator, providerConfig } from '../support/emulator.js';
import { FULL, recordFigures, timeLimit } from './scale.js';
import {
  type Entry,
  type Hit,
  ProcessWatch,
  type RecordingProxy,
  recordingProxy,
  SecretHarvest,
  scanText,
  walk,
} from './secret-scan.js';

/**
 * Issue 7, item 5: every command at `--log-level debug` against the emulator, then a scan of every
 * place a secret could escape to (outputs, files, process command lines and environments) for every
 * token, key and session token the emulator issued; the modes of what rolecall writes; symlinks planted
 * where it writes secrets; and folders opened to other users behind its back.
 */

const PERMISSION_SET = 'production/DeployerAccess';
const CHAINED = 'prod-admin';
const USER = 'ci-user';

const CONFIG = providerConfig({
  autoProvision: true,
  extra: `  identities:
    ${CHAINED}:
      kind: aws/assume-role
      via: { identity: production/AdministratorAccess }
      principal: { assume_role: "arn:aws:iam::222222222222:role/Admin", session_name: scan }
    ${USER}:
      kind: aws/user
`,
});

/**
 * A program run as the identity: it waits a second (so that the /proc watch, sampled by this busy test
 * process, sees it even on a loaded machine; at 400 ms it once missed one), asks STS
 * who it is through the AWS SDK's default chain (which runs rolecall's `credential_process` unless
 * keys are in the environment), then prints its arguments, its whole environment and the AWS config
 * it was given.
 */
const CHILD = `const fs = require('node:fs');
setTimeout(async () => {
  const out = { argv: process.argv.slice(2), env: process.env };
  const file = process.env.AWS_CONFIG_FILE;
  if (file && fs.existsSync(file)) {
    out.config = fs.readFileSync(file, 'utf8');
    out.credentialsFile = fs.readFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, 'utf8');
  }
  try {
    const sts = require(require.resolve('@aws-sdk/client-sts', { paths: [${JSON.stringify(repoRoot)}] }));
    const client = new sts.STSClient({});
    out.caller = (await client.send(new sts.GetCallerIdentityCommand({}))).Arn;
    client.destroy();
  } catch (error) {
    out.error = error.name + ': ' + error.message;
  }
  process.stdout.write(JSON.stringify(out) + '\\n');
}, 1000);
`;

/** A browser for $BROWSER that writes down its arguments and its /proc command line, then lingers. */
const BROWSER = `import { readFileSync, renameSync, writeFileSync } from 'node:fs';
const log = process.env.BROWSER_LOG;
const record = { argv: process.argv.slice(2), cmdline: readFileSync('/proc/self/cmdline', 'latin1').split('\\0') };
writeFileSync(log + '.tmp', JSON.stringify(record));
renameSync(log + '.tmp', log);
setTimeout(() => {}, 1500);
`;

interface Step {
  label: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The command's job is to print credentials on stdout (or its child's output is keys by request). */
  printsSecrets?: boolean;
  /** Its environment holds secrets by design: given by the test (user keys), or `--export-keys`. */
  environmentHoldsSecrets?: boolean;
  expectCode?: number;
  /** Runs before the command. */
  before?: () => void | Promise<void>;
  /** Approves the device code the command shows, from the emulator's side. */
  approve?: boolean;
  fullOnly?: boolean;
  /** Run as given, debug asked for through ROLECALL_LOG_LEVEL (an internal command takes no global flag first). */
  bare?: boolean;
}

interface Ran extends Step, CliResult {
  pid: number;
}

const secretsFolder = (sandbox: Sandbox) => sandbox.path('.local', 'state', 'rolecall', 'secrets');
const awsCliExport = join('.aws', 'sso', 'cache', `${createHash('sha1').update('sso-prod').digest('hex')}.json`);
const consolePages = join('.local', 'state', 'rolecall', 'console');

/** Secrets the store holds, from its files, and the store files' records. */
function storeRecords(sandbox: Sandbox): { name: string; text: string }[] {
  const folder = secretsFolder(sandbox);
  if (!existsSync(folder) || !lstatSync(folder).isDirectory()) return [];
  return readdirSync(folder).flatMap((name) => {
    try {
      return [{ name, text: readFileSync(join(folder, name), 'utf8') }];
    } catch {
      return [];
    }
  });
}

/** Makes the stored session expire in five minutes, so that the next login refreshes it. */
function ageSession(sandbox: Sandbox): void {
  for (const { name, text } of storeRecords(sandbox)) {
    const record = JSON.parse(text);
    if (!record.accessToken) continue;
    record.expiresAt = new Date(Date.now() + 5 * 60_000).toISOString();
    record.issuedAt = new Date(Date.now() - 55 * 60_000).toISOString();
    writeFileSync(join(secretsFolder(sandbox), name), JSON.stringify(record));
  }
}

const describeHits = (hits: Hit[]) => hits.map((hit) => `${hit.kind} (${hit.form}, ${hit.excerpt}) in ${hit.place}`);

describe('secrets: the scanner', () => {
  it('finds a secret as it is, percent-encoded, with escaped slashes or cut short, and nothing else', () => {
    const harvest = new SecretHarvest();
    harvest.addJson('{"roleCredentials":{"secretAccessKey":"ab+/cdEFghIJklMNopQRstUVwxYZ0123456789+/=="}}', 'test');
    harvest.addXml('<SessionToken>IQoJb3JpZ2luX2VjEXAMPLEtokenEXAMPLEtokenEXAMPLE</SessionToken>', 'test');
    expect(harvest.countByKind()).toEqual({ 'secret access key': 1, 'session token': 1 });
    const [key, token] = [...harvest.secrets.keys()] as [string, string];
    expect(scanText(`x ${key} y`, harvest, 'a').map((hit) => hit.form)).toEqual(['as is']);
    expect(scanText(`?k=${encodeURIComponent(key)}`, harvest, 'b').map((hit) => hit.form)).toEqual(['percent-encoded']);
    expect(scanText(`{"k":"${key.replaceAll('/', '\\/')}"}`, harvest, 'c').map((hit) => hit.form)).toEqual([
      'with escaped slashes',
    ]);
    expect(scanText(`token ${token.slice(0, 40)}…`, harvest, 'd').map((hit) => hit.kind)).toEqual(['session token']);
    expect(scanText('ASIA… [redacted] nothing to see', harvest, 'e')).toEqual([]);
  });
});

describe('secrets: one run of every command at debug level, scanned for every secret the emulator issued', () => {
  let emu: Emulator;
  let proxy: RecordingProxy;
  const sandbox = new Sandbox();
  const project = sandbox.path('project');
  const owned = sandbox.path('test-owned');
  const bin = join(owned, 'bin');
  const browserLog = join(owned, 'browser.json');
  let watch: ProcessWatch;
  const ran: Ran[] = [];
  /** Each file's contents as seen after each command (a file may change or go away later). */
  const fileVersions = new Map<string, Set<string>>();
  /** Each path rolecall created, with every mode it was seen with. */
  const modes = new Map<string, { kind: Entry['kind']; modes: Set<number> }>();
  const before = new Set<string>();
  /** Secrets read from the store files and the commands that print credentials, to check the harvest. */
  const fromStore = new SecretHarvest();
  const fromOutputs = new SecretHarvest();
  let browserRecord: { argv: string[]; cmdline: string[] } | undefined;
  let started = 0;
  let elapsed = 0;

  /** Test-owned: the project's config, the fake tools, the browser and its log. */
  const isTestOwned = (path: string) =>
    path === 'project' || path.startsWith('project/') || path.startsWith('test-owned');

  /** Each file's size, time and inode when last read: a file is read again only once it changed. */
  const lastRead = new Map<string, string>();
  const look = () => {
    for (const entry of walk(sandbox.home)) {
      if (!before.has(entry.path) && !isTestOwned(entry.path)) {
        const seen = modes.get(entry.path) ?? { kind: entry.kind, modes: new Set() };
        seen.modes.add(entry.mode);
        modes.set(entry.path, seen);
      }
      if (entry.kind !== 'file') continue;
      const full = join(sandbox.home, entry.path);
      try {
        const stats = statSync(full);
        const signature = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
        if (lastRead.get(entry.path) === signature) continue;
        lastRead.set(entry.path, signature);
        const versions = fileVersions.get(entry.path) ?? new Set();
        versions.add(readFileSync(full, 'latin1'));
        fileVersions.set(entry.path, versions);
      } catch {
        // Gone between the listing and the read.
      }
    }
    for (const { name, text } of storeRecords(sandbox)) fromStore.addJson(text, `secure store file ${name}`);
  };

  const steps = (): Step[] => {
    let userKeys: NodeJS.ProcessEnv = {};
    const child = ['--', process.execPath, '-e', CHILD];
    return [
      { label: 'login --use-device-code', args: ['login', '--use-device-code'], approve: true },
      { label: 'login --export-aws-cli-cache', args: ['login', '--export-aws-cli-cache'] },
      {
        label: 'login (refreshing an aged session)',
        args: ['login'],
        before: () => ageSession(sandbox),
      },
      {
        label: 'login --force --use-device-code',
        args: ['login', '--force', '--use-device-code', '--format', 'json'],
        approve: true,
        fullOnly: true,
      },
      { label: 'provision', args: ['provision'] },
      { label: 'provision --format json', args: ['provision', '--format', 'json'], fullOnly: true },
      ...['tree', 'table', 'json', 'yaml'].map((format) => ({
        label: `list --format ${format}`,
        args: ['list', '--format', format],
      })),
      { label: 'validate', args: ['validate'] },
      { label: 'validate --format json', args: ['validate', '--format', 'json'] },
      { label: 'config show --origins', args: ['config', 'show', '--origins'] },
      { label: 'config show --origins --format json', args: ['config', 'show', '--origins', '--format', 'json'] },
      { label: 'config schema', args: ['config', 'schema'] },
      { label: 'whoami', args: ['whoami', '--identity', PERMISSION_SET] },
      { label: 'whoami (chained, json)', args: ['whoami', '--identity', CHAINED, '--format', 'json'] },
      {
        label: 'credential-process',
        args: ['credential-process', '--identity', PERMISSION_SET],
        printsSecrets: true,
      },
      {
        label: 'credential-process (chained)',
        args: ['credential-process', '--identity', CHAINED],
        printsSecrets: true,
      },
      ...['bash', 'fish', 'powershell', 'dotenv', 'json'].map((format) => ({
        label: `env --format ${format}`,
        args: ['env', '--identity', PERMISSION_SET, '--format', format],
        printsSecrets: true,
      })),
      {
        label: 'env (chained, all formats)',
        args: ['env', '--identity', CHAINED, '--format', 'json'],
        printsSecrets: true,
        fullOnly: true,
      },
      { label: 'exec', args: ['exec', '--identity', PERMISSION_SET, ...child] },
      { label: 'exec (chained)', args: ['exec', '--identity', CHAINED, ...child], fullOnly: true },
      {
        label: 'exec (debug in the environment, so credential_process logs too)',
        args: ['exec', '--identity', PERMISSION_SET, ...child],
        env: { ROLECALL_LOG_LEVEL: 'debug' },
        fullOnly: true,
      },
      {
        label: 'exec --export-keys',
        args: ['exec', '--identity', PERMISSION_SET, '--export-keys', ...child],
        printsSecrets: true,
        environmentHoldsSecrets: true,
      },
      { label: 'shell', args: ['shell', '--identity', PERMISSION_SET] },
      { label: 'terraform', args: ['terraform', 'plan', '-input=false', '--identity', PERMISSION_SET] },
      { label: 'tofu', args: ['tofu', 'plan', '--identity', PERMISSION_SET] },
      { label: 'console --print', args: ['console', '--identity', PERMISSION_SET, '--print'], printsSecrets: true },
      {
        label: 'console',
        args: ['console', '--identity', PERMISSION_SET],
        env: { BROWSER: `${process.execPath} ${join(owned, 'browser.mjs')}`, BROWSER_LOG: browserLog },
      },
      {
        label: 'console (chained)',
        args: ['console', '--identity', CHAINED],
        env: { BROWSER: `${process.execPath} ${join(owned, 'browser.mjs')}`, BROWSER_LOG: `${browserLog}.2` },
        fullOnly: true,
      },
      { label: 'aws-config', args: ['aws-config'] },
      { label: 'aws-config --write', args: ['aws-config', '--write', sandbox.path('.aws', 'config')] },
      {
        label: 'user-keys --from-env',
        args: ['user-keys', '--identity', USER, '--from-env'],
        // Keys the emulator issued stand in for an IAM user's: its STS accepts no others.
        before: () => {
          const issued = ran.find((step) => step.label === 'credential-process (chained)');
          const keys = JSON.parse(issued?.stdout || '{}');
          userKeys = {
            AWS_ACCESS_KEY_ID: keys.AccessKeyId,
            AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey,
            AWS_SESSION_TOKEN: keys.SessionToken,
          };
        },
        get env() {
          return {
            AWS_ACCESS_KEY_ID: userKeys['AWS_ACCESS_KEY_ID'],
            AWS_SECRET_ACCESS_KEY: userKeys['AWS_SECRET_ACCESS_KEY'],
          };
        },
        environmentHoldsSecrets: true,
      },
      {
        // The stored keys are an id and a secret; the emulator's STS also wants the session token the keys
        // came with, so it refuses them: an error path, with its stack at debug level.
        label: 'whoami as the aws/user (stored keys)',
        args: ['whoami', '--identity', USER],
        expectCode: 3,
      },
      { label: 'user-keys --delete', args: ['user-keys', '--identity', USER, '--delete'] },
      {
        label: 'whoami as the aws/user (keys in the environment)',
        args: ['whoami', '--identity', USER, '--format', 'json'],
        get env() {
          return userKeys;
        },
        environmentHoldsSecrets: true,
      },
      { label: 'completion bash', args: ['completion', 'bash'] },
      { label: 'completion zsh', args: ['completion', 'zsh'], fullOnly: true },
      { label: 'completion fish', args: ['completion', 'fish'], fullOnly: true },
      {
        label: '__complete identities',
        args: ['__complete', 'identities'],
        env: { ROLECALL_LOG_LEVEL: 'debug' },
        bare: true,
        fullOnly: true,
      },
      { label: 'logout', args: ['logout'] },
      { label: 'logout --all', args: ['logout', '--all'] },
    ].filter((step) => FULL || !step.fullOnly);
  };

  beforeAll(
    async () => {
      started = performance.now();
      ({ emu } = await emulator({ autoApprove: false }));
      proxy = await recordingProxy(emu.url);
      mkdirSync(project, { recursive: true });
      mkdirSync(bin, { recursive: true });
      sandbox.write('project/rolecall.yaml', CONFIG);
      for (const tool of ['terraform', 'tofu', 'fake-shell']) {
        writeFileSync(join(bin, tool), `#!${process.execPath}\n${CHILD}`);
        chmodSync(join(bin, tool), 0o755);
      }
      writeFileSync(join(owned, 'browser.mjs'), BROWSER);
      for (const entry of walk(sandbox.home)) before.add(entry.path);

      const baseEnv: NodeJS.ProcessEnv = {
        ...proxy.env,
        ROLECALL_KEYRING: 'file',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        PATH: `${bin}${delimiter}${sandbox.env['PATH'] ?? ''}`,
        SHELL: join(bin, 'fake-shell'),
      };
      watch = new ProcessWatch(sandbox.home);
      watch.start();
      try {
        for (const step of steps()) {
          await step.before?.();
          watch.current = step.label;
          const running = sandbox.start(step.bare ? step.args : ['--log-level', 'debug', ...step.args], {
            cwd: project,
            env: { ...baseEnv, ...step.env },
          });
          // Files that live only while a command runs (a child's AWS config, locks) are looked at too.
          const looking = setInterval(look, 100);
          if (step.approve) {
            const [, code] = await running.waitFor('stderr', /user_code=([A-Z]{4}-[A-Z]{4})/);
            // While the sign-in waits for the person, rolecall holds the portal's lock: look at it.
            await sleep(100);
            look();
            emu.approve(code!);
          }
          const result = await running.done.finally(() => clearInterval(looking));
          ran.push({ ...step, ...result, pid: running.child.pid! });
          look();
          if (step.printsSecrets) {
            fromOutputs.addJson(result.stdout, step.label);
            // The shell, dotenv and JSON forms of env: the value whole, between its quotes.
            const assignments = /AWS_(SECRET_ACCESS_KEY|SESSION_TOKEN)"?\s*[:=]?\s*['"]([A-Za-z0-9+/=]{16,})['"]/g;
            for (const [, name, value] of result.stdout.matchAll(assignments))
              fromOutputs.add(name === 'SESSION_TOKEN' ? 'session token' : 'secret access key', value, step.label);
          }
        }
        // The browser lingers after console returns: wait for it, then look once more.
        for (let tries = 0; !existsSync(browserLog) && tries < 200; tries++) await sleep(25);
        if (existsSync(browserLog)) browserRecord = JSON.parse(readFileSync(browserLog, 'utf8'));
        await sleep(200);
      } finally {
        watch.stop();
        look();
        elapsed = performance.now() - started;
      }
    },
    timeLimit(150_000, 400_000),
  );

  const hitsInOutputs = () =>
    ran.flatMap((step) => [
      ...scanText(step.stderr, proxy.harvest, `stderr of \`${step.label}\``),
      ...(step.printsSecrets ? [] : scanText(step.stdout, proxy.harvest, `stdout of \`${step.label}\``)),
    ]);

  /** Files the user asked for, or that hold a secret by design, are checked on their own below. */
  const exempt = (path: string) =>
    path.startsWith('.local/state/rolecall/secrets/') ||
    path === awsCliExport ||
    // The export on its way in: written to a temp file beside it, then renamed.
    (path.startsWith(`${awsCliExport}.`) && path.endsWith('.tmp')) ||
    path.startsWith(`${consolePages}/`);
  const hitsInFiles = () =>
    [...fileVersions].flatMap(([path, versions]) =>
      exempt(path) ? [] : [...versions].flatMap((text) => scanText(text, proxy.harvest, `file ~/${path}`)),
    );

  const processes = () => [...watch.seen.values()];
  const hitsInCommandLines = () =>
    processes().flatMap((process) =>
      [...process.cmdlines].flatMap((cmdline) =>
        scanText(
          cmdline,
          proxy.harvest,
          `/proc/${process.pid}/cmdline during \`${process.during}\`: ${cmdline.slice(0, 120)}`,
        ),
      ),
    );
  const hitsInEnvironments = () =>
    processes().flatMap((process) => {
      const step = ran.find((each) => each.label === process.during);
      if (step?.environmentHoldsSecrets) return [];
      const name = [...process.cmdlines].at(-1)?.slice(0, 80);
      return scanText(
        process.environ,
        proxy.harvest,
        `/proc/${process.pid}/environ (${name}) during \`${process.during}\``,
      );
    });

  it('runs every command, each ending as expected, none with an unexpected failure', () => {
    const failures = ran
      .filter((step) => step.code !== (step.expectCode ?? 0))
      .map((step) => `${step.label}: exit ${step.code}\n${step.stderr.slice(-2000)}`);
    expect(failures).toEqual([]);
    // Every child ran as the identity, through credential_process where no keys were given.
    for (const label of ['exec', 'shell', 'terraform', 'tofu']) {
      const out = JSON.parse(
        ran
          .find((step) => step.label === label)!
          .stdout.trim()
          .split('\n')
          .at(-1)!,
      );
      expect(out.error, label).toBeUndefined();
      expect(out.caller, label).toMatch(/^arn:aws:sts::222222222222:assumed-role\//);
      expect(out.env.AWS_SECRET_ACCESS_KEY, label).toBeUndefined();
    }
    const exported = JSON.parse(ran.find((step) => step.label === 'exec --export-keys')!.stdout.trim());
    expect(exported.env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
  });

  it('harvests every kind of secret from the emulator, and everything rolecall stored or printed is among them', () => {
    const kinds = proxy.harvest.countByKind();
    for (const kind of [
      'access token',
      'refresh token',
      'client secret',
      'device code',
      'secret access key',
      'session token',
      'console sign-in token',
    ]) {
      expect(kinds[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    // The proxy saw every secret rolecall kept or printed: the scan looks for all of them.
    const unknown = [...fromStore.secrets, ...fromOutputs.secrets]
      .filter(([secret]) => !proxy.harvest.secrets.has(secret))
      .map(([secret, { kind, source }]) => `${kind} ${secret.slice(0, 6)}… from ${source}`);
    expect(unknown).toEqual([]);
    expect(fromStore.size).toBeGreaterThan(0);
    expect(fromOutputs.size).toBeGreaterThan(0);
    // The scanner does find secrets where they are meant to be: the outputs of env and credential-process.
    const printed = ran
      .filter((step) => step.printsSecrets)
      .flatMap((step) => scanText(step.stdout, proxy.harvest, step.label));
    expect(new Set(printed.map((hit) => hit.place)).size).toBe(ran.filter((step) => step.printsSecrets).length);
  });

  it('keeps every secret out of stdout and stderr, except the stdout of commands that print credentials', () => {
    expect(describeHits(hitsInOutputs())).toEqual([]);
  });

  it('keeps every secret out of the files under HOME and the XDG folders, outside the secure store', () => {
    expect(fileVersions.size).toBeGreaterThan(10);
    expect(describeHits(hitsInFiles())).toEqual([]);
  });

  it('writes the AWS CLI cache when asked, and logout deletes it, also after rolecall refreshed the session', () => {
    // --export-aws-cli-cache: the session as the AWS CLI keeps it, which the user asked for.
    const exported = [...(fileVersions.get(awsCliExport) ?? [])];
    expect(exported.length).toBeGreaterThan(0);
    for (const text of exported) expect(Object.keys(JSON.parse(text))).toContain('accessToken');
    // docs/commands.md: logout "deletes the stored session, the copy exported with --export-aws-cli-cache".
    // The run refreshed the session after exporting it (login, as any command near expiry does).
    const left = existsSync(sandbox.path(awsCliExport))
      ? scanText(readFileSync(sandbox.path(awsCliExport), 'utf8'), proxy.harvest, `~/${awsCliExport}`)
      : [];
    expect(describeHits(left)).toEqual([]);
  });

  it('leaves in the secure store after logout only the client registration: no token, credentials or keys', () => {
    const left = storeRecords(sandbox).flatMap(({ name, text }) => {
      const record = JSON.parse(text);
      return ['accessToken', 'refreshToken', 'secretAccessKey', 'sessionToken']
        .filter((key) => record[key] !== undefined)
        .map((key) => `${name}: ${key}`);
    });
    expect(left).toEqual([]);
  });

  it('keeps the console page private, holding the sign-in token and no credential', () => {
    // The page forwards the browser to the sign-in URL (docs/commands.md): a secret by design.
    const pages = [...fileVersions].filter(([path]) => path.startsWith(`${consolePages}/`));
    expect(pages.length).toBeGreaterThan(0);
    for (const [path, versions] of pages) {
      const kinds = [...versions].flatMap((text) => scanText(text, proxy.harvest, path)).map((hit) => hit.kind);
      expect(kinds).toEqual(['console sign-in token']);
      expect([...(modes.get(path)?.modes ?? [])]).toEqual([0o600]);
    }
    expect([...(modes.get(consolePages)?.modes ?? [])]).toEqual([0o700]);
  });

  it('keeps every secret out of the command lines of every process it starts (children, credential_process, browser)', () => {
    const seen = processes();
    // Every rolecall run was watched, and what it started.
    expect(ran.filter((step) => !watch.sawPid(step.pid)).map((step) => step.label)).toEqual([]);
    const lines = seen.flatMap((process) => [...process.cmdlines]);
    // The watch did see what it is meant to: the children, their credential_process calls and the browser.
    expect(lines.some((line) => line.includes('credential-process --identity'))).toBe(true);
    expect(lines.some((line) => line.includes('browser.mjs'))).toBe(true);
    const unseen = ['fake-shell', 'terraform', 'tofu'].filter(
      (tool) => !lines.some((line) => line.includes(join(bin, tool))),
    );
    expect(unseen, `${watch.looks} looks at /proc`).toEqual([]);
    expect(describeHits(hitsInCommandLines())).toEqual([]);
    // The browser itself got the private page, not the sign-in URL.
    expect(browserRecord?.argv).toHaveLength(1);
    expect(browserRecord?.argv[0]).toMatch(/^file:\/\//);
    expect(describeHits(scanText(JSON.stringify(browserRecord), proxy.harvest, "the browser's argv"))).toEqual([]);
  });

  it('keeps every secret out of the environment of children run without --export-keys', () => {
    const during = new Set(processes().map((process) => process.during));
    for (const label of ['exec', 'shell', 'terraform', 'tofu']) expect(during.has(label), label).toBe(true);
    expect(describeHits(hitsInEnvironments())).toEqual([]);
  });

  const isLockFolder = (path: string) => /^\.local\/state\/rolecall\/locks\/.+\.lock$/.test(path);
  /** Every mode rolecall's files and folders were seen with that is not 0600 / 0700. */
  const wrongModes = () =>
    [...modes].flatMap(([path, { kind, modes: seen }]) =>
      kind === 'symlink' || kind === 'other'
        ? [`${kind} ~/${path}`]
        : [...seen]
            .filter((mode) => mode !== (kind === 'file' ? 0o600 : 0o700))
            .map((mode) => `${kind} ~/${path}: ${mode.toString(8).padStart(4, '0')}`),
    );

  it('creates every file 0600 and every folder 0700 (the secure store, caches, the run and console folders, ~/.aws)', () => {
    expect(modes.size).toBeGreaterThan(20);
    // The watch saw what lives only while a command runs: a child's own AWS config.
    expect([...modes.keys()].some((path) => /^\.local\/state\/rolecall\/run\/.+\/config$/.test(path))).toBe(true);
    expect(wrongModes().filter((line) => !isLockFolder(line.replace(/^\S+ ~\/|: \d+$/g, '')))).toEqual([]);
  });

  it('creates its lock folders 0700 too', () => {
    const locks = [...modes.keys()].filter(isLockFolder);
    // Seen at least while a device-code sign-in waited for its approval.
    expect(locks.length).toBeGreaterThan(0);
    expect(wrongModes().filter((line) => isLockFolder(line.replace(/^\S+ ~\/|: \d+$/g, '')))).toEqual([]);
  });

  afterAll(async () => {
    await proxy?.close();
    await emu?.close();
    if (!proxy) return;
    const places = [
      ...ran.map((step) => `out:${step.label}`),
      ...[...fileVersions.keys()].map((path) => `file:${path}`),
      ...processes().map((process) => `proc:${process.pid}`),
    ];
    const hits = [...hitsInOutputs(), ...hitsInFiles(), ...hitsInCommandLines(), ...hitsInEnvironments()];
    // The AWS CLI cache, once logged out, is a place like the others.
    places.push('file after logout:AWS CLI cache');
    if (existsSync(sandbox.path(awsCliExport)))
      hits.push(
        ...scanText(readFileSync(sandbox.path(awsCliExport), 'utf8'), proxy.harvest, 'file after logout:AWS CLI cache'),
      );
    const wrong = new Set(wrongModes().map((line) => line.replace(/: \d+$/, '')));
    recordFigures('secrets-modes', {
      scenario: 'Secrets: the mode of every file and folder rolecall created during the run (0600 / 0700)',
      cases: modes.size,
      passed: modes.size - wrong.size,
      ms: Math.round(elapsed),
      notes: `${wrong.size} wrong: ${[...wrong].join(', ') || 'none'}; the test's own config, fake tools and browser are not counted`,
    });
    const counts = proxy.harvest.countByKind();
    recordFigures('secrets-scan', {
      scenario:
        'Secrets: every command at --log-level debug; stdout, stderr, files, /proc cmdline and environ scanned for every secret the emulator issued',
      cases: places.length,
      passed: places.length - new Set(hits.map((hit) => hit.place)).size,
      requests: proxy.requests,
      ms: Math.round(elapsed),
      notes: `${ran.length} commands, ${fileVersions.size} files, ${watch.seen.size} processes (${watch.looks} looks at /proc), ${proxy.harvest.size} secrets: ${Object.entries(
        counts,
      )
        .map(([kind, count]) => `${count} ${kind}`)
        .join(', ')}; ${hits.length} hits`,
    });
  });
});

/** A sandbox signed in to its own emulator, with the credentials of one identity cached. */
async function signedIn() {
  const { emu, env } = await emulator({ autoApprove: true });
  const sandbox = new Sandbox();
  const project = sandbox.path('project');
  sandbox.write('project/rolecall.yaml', CONFIG);
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    sandbox.run(args, { cwd: project, env: { ...env, ...extra } });
  const login = await run(['login', '--use-device-code']);
  expect(login.code, login.stderr).toBe(0);
  const cached = await run(['credential-process', '--identity', PERMISSION_SET]);
  expect(cached.code, cached.stderr).toBe(0);
  return { emu, sandbox, run };
}

/**
 * A sandbox signed in before the scenario's tests (`signedIn`), and their outcomes, recorded as the
 * scenario's figures once they are done.
 */
function signedInScenario<Outcome extends { ok: boolean }>(figures: {
  id: string;
  scenario: string;
  failure: (outcome: Outcome) => string;
  allPassed: string;
}) {
  const world = { outcomes: [] as Outcome[] } as Awaited<ReturnType<typeof signedIn>> & { outcomes: Outcome[] };
  let started = 0;
  beforeAll(
    async () => {
      started = performance.now();
      Object.assign(world, await signedIn());
    },
    timeLimit(60_000, 120_000),
  );
  afterAll(async () => {
    await world.emu?.close();
    const failed = world.outcomes.filter((outcome) => !outcome.ok);
    recordFigures(figures.id, {
      scenario: figures.scenario,
      cases: world.outcomes.length,
      passed: world.outcomes.length - failed.length,
      ms: Math.round(performance.now() - started),
      notes: failed.map(figures.failure).join('; ') || figures.allPassed,
    });
  });
  return world;
}

const STATE = join('.local', 'state', 'rolecall');
const CACHE = join('.cache', 'rolecall');

/** The store file whose record has this member (the session: accessToken; role credentials: secretAccessKey). */
function storeEntry(sandbox: Sandbox, member: string): string {
  const entry = storeRecords(sandbox).find(({ text }) => JSON.parse(text)[member] !== undefined);
  expect(entry, `a store entry with ${member}`).toBeDefined();
  return join(STATE, 'secrets', entry!.name);
}

/** The credential index entry of an identity. */
function indexEntry(sandbox: Sandbox, identity: string): string {
  const folder = join(CACHE, 'credentials');
  const name = readdirSync(sandbox.path(folder)).find(
    (file) => JSON.parse(readFileSync(sandbox.path(folder, file), 'utf8')).identity === identity,
  );
  expect(name, `an index entry for ${identity}`).toBeDefined();
  return join(folder, name!);
}

/** What a decoy looks like, to tell that nothing wrote through the link: content (or listing) and mode. */
const fingerprint = (path: string) => {
  const stats = statSync(path);
  return {
    mode: (stats.mode & 0o7777).toString(8),
    content: stats.isDirectory()
      ? readdirSync(path, { recursive: true }).map(String).sort().join(',')
      : readFileSync(path, 'utf8'),
  };
};

describe('secrets: a symlink planted where rolecall writes a secret is refused, not followed', () => {
  const world = signedInScenario<{ place: string; ok: boolean; problems: string[] }>({
    id: 'secrets-symlinks',
    scenario:
      'Secrets: a symlink planted where rolecall writes a secret (store entry and folder, provisioned file, credential index, AWS CLI cache, console page and run folders) is refused',
    failure: (outcome) => `${outcome.place}: ${outcome.problems.join(', ')}`,
    allPassed: 'all refused',
  });
  const { outcomes } = world;

  /**
   * Replaces `relative` (a file or folder rolecall writes a secret into) with a symlink to a decoy the
   * way an attacker would, runs the command, and checks that the decoy is untouched and that rolecall
   * said why, without a stack trace. Puts everything back afterwards.
   */
  async function plant(
    place: string,
    relative: string,
    args: string[],
    options: {
      /** The decoy is a folder holding these entries (a trailing / makes a folder), an hour old. */
      folder?: string[];
      decoyText?: string;
      env?: NodeJS.ProcessEnv;
    } = {},
  ) {
    const target = world.sandbox.path(relative);
    const decoy = world.sandbox.path('decoy', place.replace(/\W+/g, '-'));
    mkdirSync(world.sandbox.path('decoy'), { recursive: true, mode: 0o700 });
    if (options.folder) {
      mkdirSync(decoy, { mode: 0o700 });
      const anHourAgo = new Date(Date.now() - 3600_000);
      for (const entry of options.folder) {
        if (entry.endsWith('/')) mkdirSync(join(decoy, entry), { recursive: true, mode: 0o700 });
        else writeFileSync(join(decoy, entry), `${entry}, not rolecall's\n`);
      }
      for (const entry of [...options.folder].reverse()) utimesSync(join(decoy, entry), anHourAgo, anHourAgo);
    } else writeFileSync(decoy, options.decoyText ?? `not rolecall's: ${place}\n`, { mode: 0o644 });
    const aside = `${target}.aside`;
    const existed = existsSync(target);
    if (existed) renameSync(target, aside);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(decoy, target);
    const was = fingerprint(decoy);
    let result: CliResult | undefined;
    try {
      result = await world.run(args, options.env);
      const problems = [
        ...(JSON.stringify(fingerprint(decoy)) === JSON.stringify(was) ? [] : ['followed']),
        ...(/symbolic link|symlink/i.test(result.stderr) ? [] : ['nothing said']),
        ...(result.stderr.includes(target) ? [] : ['the link not named']),
        ...(STACK_FRAME.test(result.stderr) ? ['a stack trace'] : []),
      ];
      outcomes.push({ place, ok: problems.length === 0, problems });
      expect(fingerprint(decoy), `the decoy behind ${relative}`).toEqual(was);
      expect(result.stderr, 'a warning or an error that names the link').toMatch(/symbolic link|symlink/i);
      expect(result.stderr).toContain(target);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    } finally {
      rmSync(target, { recursive: true, force: true });
      if (existed) renameSync(aside, target);
      rmSync(decoy, { recursive: true, force: true });
    }
    return result!;
  }

  it('refuses a symlink at the session entry of the secure store (login)', async () => {
    const result = await plant('session entry', storeEntry(world.sandbox, 'accessToken'), [
      'login',
      '--force',
      '--use-device-code',
    ]);
    expect(result.stderr).toContain('Refusing to write');
  });

  it('refuses a symlink at a role credentials entry of the secure store (whoami)', async () => {
    await plant('credentials entry', storeEntry(world.sandbox, 'secretAccessKey'), [
      'whoami',
      '--identity',
      PERMISSION_SET,
    ]);
  });

  it('refuses a symlink in place of the secrets folder itself (login)', async () => {
    const result = await plant('secrets folder', join(STATE, 'secrets'), ['login', '--force', '--use-device-code'], {
      folder: ['notes.txt'],
    });
    expect(result.code).toBe(1);
  });

  it('refuses a symlink at the provisioned identities file (provision)', async () => {
    const provisioned = world.sandbox.provisionedFile('sso-prod');
    // A link to a file that reads as a provisioned file, so that the configuration still loads.
    const text = readFileSync(world.sandbox.path(provisioned), 'utf8');
    const result = await plant('provisioned file', provisioned, ['provision'], { decoyText: `# decoy\n${text}` });
    expect(result.code).toBe(1);
  });

  it('refuses a symlink at the credential index entry, and says so (credential-process)', async () => {
    await plant('credential index entry', indexEntry(world.sandbox, PERMISSION_SET), [
      'credential-process',
      '--identity',
      PERMISSION_SET,
    ]);
  });

  it('refuses a symlink at the AWS CLI cache file it exports to, naming that file (login --export-aws-cli-cache)', async () => {
    await plant('AWS CLI cache file', awsCliExport, ['login', '--export-aws-cli-cache']);
  });

  it('refuses a symlink in place of the folder of console sign-in pages (console)', async () => {
    const browser = world.sandbox.write('test-owned/browser.mjs', BROWSER);
    // Someone's own folder, with a file older than the 15 minutes a console page lives.
    await plant('console page folder', consolePages, ['console', '--identity', PERMISSION_SET], {
      folder: ['notes.txt'],
      env: { BROWSER: `${process.execPath} ${browser}`, BROWSER_LOG: world.sandbox.path('test-owned', 'browser.json') },
    });
  });

  it("refuses a symlink in place of the folder of children's AWS configs (exec)", async () => {
    // No secret goes there (a credential_process command does), but leftovers are swept from it: here
    // someone's own folder whose name starts like the pid of a process that is gone.
    const exec = ['exec', '--identity', PERMISSION_SET, '--', process.execPath, '-e', ''];
    await plant('run folder', join(STATE, 'run'), exec, { folder: ['4194304-photos/', '4194304-photos/beach.jpg'] });
  });

  it('writes aws-config --write through a symlink, as documented: the link stays, its target gets the block', async () => {
    const target = world.sandbox.write('dotfiles/aws-config', '[profile mine]\nregion = eu-west-1\n');
    mkdirSync(world.sandbox.path('.aws'), { recursive: true });
    rmSync(world.sandbox.path('.aws', 'config'), { force: true });
    symlinkSync(target, world.sandbox.path('.aws', 'config'));
    const result = await world.run(['aws-config', '--write', world.sandbox.path('.aws', 'config')]);
    expect(result.code, result.stderr).toBe(0);
    expect(lstatSync(world.sandbox.path('.aws', 'config')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(world.sandbox.path('.aws', 'config'))).toBe(target);
    const written = readFileSync(target, 'utf8');
    expect(written).toMatch(/^\[profile mine\]\nregion = eu-west-1\n/);
    expect(written).toContain(`[profile ${PERMISSION_SET}]`);
  });
});

describe('secrets: a folder or file opened to other users is warned about and made private again at the next run', () => {
  const world = signedInScenario<{ place: string; ok: boolean }>({
    id: 'secrets-permissions',
    scenario:
      'Secrets: a secrets folder, secrets file, cache or state folder opened to others is warned about and narrowed',
    failure: (outcome) => `not fixed: ${outcome.place}`,
    allPassed: 'all fixed',
  });
  const { outcomes } = world;

  async function widen(place: string, relative: string, mode: number, expected: number) {
    const path = world.sandbox.path(relative);
    chmodSync(path, mode);
    const result = await world.run(['whoami', '--identity', PERMISSION_SET]);
    const now = statSync(path).mode & 0o777;
    const warned = result.stderr.includes(path) && /other users|private|permission|mode/i.test(result.stderr);
    outcomes.push({ place, ok: now === expected && warned && result.code === 0 });
    chmodSync(path, expected);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr, 'a warning that names it').toContain(path);
    expect(now.toString(8), `the mode of ~/${relative} after the run`).toBe(expected.toString(8));
  }

  it('narrows the secrets folder from 0755 to 0700, with a warning', async () => {
    await widen('secrets folder', join(STATE, 'secrets'), 0o755, 0o700);
  });

  it('narrows a secrets file from 0644 to 0600, with a warning', async () => {
    await widen('secrets file', storeEntry(world.sandbox, 'secretAccessKey'), 0o644, 0o600);
  });

  it('narrows the cache folder from 0755 to 0700, with a warning', async () => {
    await widen('cache folder', CACHE, 0o755, 0o700);
  });

  it('narrows the state folder from 0755 to 0700, with a warning', async () => {
    await widen('state folder', STATE, 0o755, 0o700);
  });
});
