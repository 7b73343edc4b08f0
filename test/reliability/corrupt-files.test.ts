import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Emulator, generateOrg, startEmulator } from '../../src/emulator/index.js';
import { type CliResult, Sandbox, STACK_FRAME } from '../support/cli.js';
import { providerConfig } from '../support/emulator.js';
import { FULL, recordFigures, timeLimit } from './scale.js';
import { seeded } from './storm.js';

/**
 * Damaged files (issue 7, part 3): truncated, empty, garbage and binary content, in every place rolecall
 * reads, then the commands that read it. Each must detect the damage, say so in ONE warning, rebuild or
 * ignore what was damaged and carry on (never a stack trace, never "unexpected failure", an exit code
 * of 0, 1, 2 or 3); the run after it is clean.
 *
 * The quick pass tries the main readers of each place, each with another kind of damage (the rotation
 * is seeded); the full pass tries every reader with every kind of damage, and the commands that do not
 * read the place too. Random truncation points and junk are seeded: the seed is printed, and
 * RELIABILITY_SEED=<seed> replays them.
 */

const SEED = Number(process.env['RELIABILITY_SEED'] ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
console.log(`corrupt-files.test.ts: seed ${SEED} (replay with RELIABILITY_SEED=${SEED})`);

/** docs/security-store.md: a lock untouched this long was left by a dead process and is taken over. */
const LOCK_STALE_MS = 5_000;
/** What a run may take on a shared machine, on top of any lock wait. */
const RUN_LIMIT_MS = 15_000;

// Each place runs in its own sandbox with its own emulator, side by side: emulators close at the end
// (support's emulator() closes it when "the current test" ends, which is ambiguous for concurrent tests).
const running: Emulator[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

const ROOTS = [join('.cache', 'rolecall'), join('.local', 'state', 'rolecall')];
const CACHE = join('.cache', 'rolecall');
const STATE = join('.local', 'state', 'rolecall');

/** Three accounts of three permission sets (no name collides, so a clean login warns of nothing), and `deployer`. */
const CONFIG = providerConfig({
  autoProvision: true,
  extra: `  identities:
    deployer:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: AdministratorAccess, account: { id: "100000000001" } }
`,
});
const DISCOVERED = 9;

const COMMANDS = {
  list: ['list', '--format', 'json'],
  validate: ['validate'],
  whoami: ['whoami', '--identity', 'deployer'],
  'credential-process': ['credential-process', '--identity', 'deployer'],
  login: ['login', '--use-device-code'],
  exec: ['exec', '--identity', 'deployer', '--', process.execPath, '-e', '0'],
  'config show --origins': ['config', 'show', '--origins', '--format', 'json'],
} as const;
type CommandName = keyof typeof COMMANDS;

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** What a secure store record is, judged by its members. */
function recordKind(text: string): 'session' | 'registration' | 'credentials' | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown> | null;
    if (!value || typeof value !== 'object') return undefined;
    if (isText(value['startUrl']) && isText(value['accessToken'])) return 'session';
    if (isText(value['clientId']) && isText(value['clientSecret']) && isText(value['flow'])) return 'registration';
    if (isText(value['accessKeyId']) && isText(value['fetchedAt'])) return 'credentials';
  } catch {
    // not a record
  }
  return undefined;
}

interface World {
  emu: Emulator;
  env: NodeJS.ProcessEnv;
  sandbox: Sandbox;
  run(command: CommandName): Promise<CliResult & { ms: number }>;
  /** Puts every file back as it was after the first login and credential-process. */
  restore(): Promise<void>;
  /** Where things are in the restored state. */
  paths: {
    provisioned: string;
    compiled: string;
    origins: string;
    index: string;
    session: string;
    registration: string;
    credentials: string;
    run: string;
  };
  /** Lock names, as their holders call them. */
  locks: { provision: string; session: string; credentials: string };
  random: () => number;
}

const files = (folder: string): string[] => {
  try {
    return readdirSync(folder).map((name) => join(folder, name));
  } catch {
    return [];
  }
};

/**
 * A sandbox signed in at an emulator of its own, with identities discovered, credentials cached for
 * `deployer` and the configuration compiled; a copy of that state (modification times kept, so the
 * compiled configuration stays fresh) is put back before each case.
 */
async function world(index: number): Promise<World> {
  const emu = await startEmulator({ autoApprove: true, org: generateOrg(3, 3) });
  running.push(emu);
  const env = { ...emu.env, ROLECALL_KEYRING: 'file' };
  const sandbox = new Sandbox();
  sandbox.write('rolecall.yaml', CONFIG);
  const run = async (command: CommandName) => {
    const at = Date.now();
    const result = await sandbox.run([...COMMANDS[command]], { env });
    return { ...result, ms: Date.now() - at };
  };
  const login = await run('login');
  expect(login.code, login.stderr).toBe(0);
  const answer = await run('credential-process');
  expect(answer.code, answer.stderr).toBe(0);

  const snapshot = sandbox.path('snapshot');
  for (const root of ROOTS)
    cpSync(sandbox.path(root), join(snapshot, root), { recursive: true, preserveTimestamps: true });
  // The compiled configuration is fresh while its sources keep their exact modification times, which
  // utimes cannot set to the nanosecond: touch can.
  const provisioned = sandbox.path(sandbox.provisionedFile('sso-prod'));
  const stamp = statSync(provisioned, { bigint: true }).mtimeNs;
  const restore = async () => {
    for (const root of ROOTS) {
      rmSync(sandbox.path(root), { recursive: true, force: true });
      cpSync(join(snapshot, root), sandbox.path(root), { recursive: true, preserveTimestamps: true });
    }
    const at = `@${stamp / 1_000_000_000n}.${(stamp % 1_000_000_000n).toString().padStart(9, '0')}`;
    const touch = spawn('touch', ['-m', '-d', at, provisioned], { stdio: 'ignore' });
    const code = await new Promise((resolve) => touch.on('exit', resolve));
    expect(code).toBe(0);
  };

  const secrets = files(sandbox.path(STATE, 'secrets'));
  const secretOf = (kind: string) => secrets.find((file) => recordKind(readFileSync(file, 'utf8')) === kind)!;
  const compiled = files(sandbox.path(CACHE, 'compiled'));
  const indexFile = files(sandbox.path(CACHE, 'credentials'))[0]!;
  const indexEntry = JSON.parse(readFileSync(indexFile, 'utf8')) as { storeKey: string; portalKey: string };
  const w: World = {
    emu,
    env,
    sandbox,
    run,
    restore,
    paths: {
      provisioned,
      compiled: compiled.find((file) => !file.endsWith('.origins.json'))!,
      origins: compiled.find((file) => file.endsWith('.origins.json'))!,
      index: indexFile,
      session: secretOf('session'),
      registration: secretOf('registration'),
      credentials: secretOf('credentials'),
      run: sandbox.path(STATE, 'run'),
    },
    locks: {
      provision: 'provision:sso-prod',
      // docs/security-store.md: the session is kept, and locked, per portal; credentials per identity chain.
      session: `sso-session:${indexEntry.portalKey}`,
      credentials: indexEntry.storeKey,
    },
    random: seeded(SEED + index * 0x9e3779b9),
  };
  for (const [name, path] of Object.entries(w.paths))
    if (name !== 'run') expect(existsSync(path), `${name} at ${path}`).toBe(true);

  // The restored state is clean: nothing to warn about, and the compiled configuration is used as it is.
  await restore();
  const clean = await sandbox.run(['list', '--format', 'json', '--log-level', 'debug'], { env });
  expect(clean.code, clean.stderr).toBe(0);
  expect(clean.stderr).toContain('compiled configuration is fresh');
  expect(clean.stderr).not.toMatch(/^warning:/m);
  return w;
}

/** docs/security-store.md: how a lock's name becomes its folder under `<state>/locks/`. */
function lockPath(w: World, name: string): string {
  const readable = name.replace(/[^A-Za-z0-9-]+/g, '.').slice(0, 48);
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return w.sandbox.path(STATE, 'locks', `${readable}.${digest}.lock`);
}

/** The pid of a process that has ended: what a killed rolecall leaves in its run folder's name. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

interface Damage {
  name: string;
  /** Damages the place at `target`; `true` when it leaves a lock that is only taken over after LOCK_STALE_MS. */
  apply(target: string, w: World): unknown;
}

const write = (target: string, content: string | Buffer, ageSeconds?: number) => {
  writeFileSync(target, content);
  if (ageSeconds !== undefined) {
    const then = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(target, then, then);
  }
};

const junk = (random: () => number, length = 512): Buffer =>
  Buffer.from(Array.from({ length }, (_, index) => (index % 64 === 0 ? 0 : Math.floor(random() * 256))));

/** Truncated at a random byte, empty, garbage text, binary junk: what any file may suffer. */
const FILE_DAMAGES: Damage[] = [
  {
    name: 'truncated at a random byte',
    apply: (target, w) => {
      const original = readFileSync(target);
      write(target, original.subarray(0, 1 + Math.floor(w.random() * (original.length - 2))));
    },
  },
  { name: 'empty', apply: (target) => write(target, '') },
  {
    name: 'garbage text',
    apply: (target) => write(target, '}{ this is not what rolecall wrote: [unclosed\n\t- x: "\n'),
  },
  { name: 'binary junk', apply: (target, w) => write(target, junk(w.random)) },
];

/** JSON that parses but is not the record: another program's file, or a damage that kept the syntax. */
const JSON_DAMAGES: Damage[] = [
  ...FILE_DAMAGES,
  { name: 'JSON of the wrong shape (null)', apply: (target) => write(target, 'null') },
  { name: 'JSON of the wrong shape (an object missing its members)', apply: (target) => write(target, '{"format":1}') },
];

/** The lines of the provisioned file up to (not including) the line where the last identity starts, plus `extra` lines of it. */
function provisionedPrefix(target: string, extraLines: number, cut?: (line: string) => string): string {
  const lines = readFileSync(target, 'utf8').split('\n');
  const lastIdentity = lines.findLastIndex((line) => /^ {4}\S.*:$/.test(line));
  const kept = lines.slice(0, lastIdentity + extraLines);
  if (cut) kept.push(cut(lines[lastIdentity + extraLines]!));
  return `${kept.join('\n')}\n`;
}

/**
 * Truncations of the provisioned file that still parse as YAML: only a check of the whole file (its
 * recorded count, an end marker or a checksum) tells them from a good file.
 */
const PROVISIONED_DAMAGES: Damage[] = [
  ...FILE_DAMAGES,
  { name: 'YAML of the wrong shape', apply: (target) => write(target, 'auth:\n  identities: [oops]\n') },
  {
    name: 'truncated between two identities (parses; one identity fewer than its count says)',
    apply: (target) => write(target, provisionedPrefix(target, 0)),
  },
  {
    name: 'truncated inside an identity, at a line end (parses; the identity has no principal)',
    apply: (target) => write(target, provisionedPrefix(target, 5)),
  },
  {
    name: 'truncated inside the last value (parses; a valid identity with a cut account name and no id)',
    apply: (target) =>
      write(
        target,
        provisionedPrefix(target, 8, (line) => line.slice(0, -2)),
      ),
  },
];

/** A lock folder left by a process that died holding it, or a file where the folder should be. */
const LOCK_DAMAGES: Damage[] = [
  {
    name: 'a lock folder left by a dead process a minute ago',
    apply: (target) => {
      mkdirSync(target, { recursive: true });
      const then = new Date(Date.now() - 60_000);
      utimesSync(target, then, then);
    },
  },
  {
    name: 'a lock folder left by a dead process just now',
    apply: (target) => {
      mkdirSync(target, { recursive: true });
      return true;
    },
  },
  { name: 'a file of garbage text in place of the lock folder', apply: (target) => write(target, 'garbage\n', 60) },
  { name: 'an empty file in place of the lock folder', apply: (target) => write(target, '', 60) },
  { name: 'binary junk in place of the lock folder', apply: (target, w) => write(target, junk(w.random, 64), 60) },
  {
    name: 'a file in place of the lock folder, written just now',
    apply: (target) => {
      write(target, 'garbage\n');
      return true;
    },
  },
  {
    // docs/security-store.md: the holder notes its pid beside the folder, in `<lock>.owner`.
    name: 'a lock folder left just now, its owner note truncated',
    apply: (target) => {
      mkdirSync(target, { recursive: true });
      write(`${target}.owner`, '{"pid":1');
      return true;
    },
  },
  {
    name: 'a lock folder left just now, its owner note binary junk',
    apply: (target, w) => {
      mkdirSync(target, { recursive: true });
      write(`${target}.owner`, junk(w.random, 48));
      return true;
    },
  },
  {
    name: 'a lock and its recovery folder left by a process killed while recovering it',
    apply: (target) => {
      for (const folder of [target, `${target}.recovery`]) {
        mkdirSync(folder, { recursive: true });
        const then = new Date(Date.now() - 60_000);
        utimesSync(folder, then, then);
      }
    },
  },
];

/** A run folder left by an exec that was killed after its child ended, its files damaged; or no folder at all. */
const leftover = async (w: World, child: string | Buffer) => {
  const folder = join(w.paths.run, `${await deadPid()}-0badf00d`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(join(folder, 'child-pid'), child);
  writeFileSync(join(folder, 'config'), '[profile x]\ncredential_process = trunc');
  writeFileSync(join(folder, 'credentials'), '');
};
const RUN_DAMAGES: Damage[] = [
  { name: 'a leftover run folder with an empty child-pid', apply: (_, w) => leftover(w, '') },
  {
    name: 'a leftover run folder with garbage in child-pid',
    apply: (_, w) => leftover(w, 'garbage\n'),
  },
  {
    name: 'a leftover run folder with binary junk in child-pid',
    apply: (_, w) => leftover(w, junk(w.random, 32)),
  },
  {
    name: 'a file of garbage named like a run folder',
    apply: async (_, w) => {
      mkdirSync(w.paths.run, { recursive: true, mode: 0o700 });
      writeFileSync(join(w.paths.run, `${await deadPid()}-0badf00d`), 'garbage\n');
    },
  },
  {
    name: 'a file of garbage in place of the run folder itself',
    apply: (_, w) => {
      rmSync(w.paths.run, { recursive: true, force: true });
      writeFileSync(w.paths.run, 'garbage\n');
    },
  },
];

/** How a command that reads the damaged place must answer: its exit code (0 unless said), one warning. */
interface Reader {
  command: CommandName;
  code?: number;
}

interface Place {
  id: string;
  title: string;
  /** What the one warning must mention (the file, or what it is). */
  mentions: RegExp;
  target(w: World): string;
  /** Brings the restored state to where the readers read the place (no cached credentials, say). */
  prepare?(w: World): void;
  damages: Damage[];
  readers: Reader[];
  /**
   * The quick pass: each of these readers with a damage picked in turn (seeded), and each of
   * `quickDamages`, when listed, once. The full pass tries every reader with every damage.
   */
  quick: CommandName[];
  quickDamages?: string[];
  /** Commands that do not read the place: tried in the full pass, and must run as usual with no warning. */
  bystanders: Reader[];
  /** Whether a warning is required (`one`), or merely allowed (`at most one`: swept leftovers). */
  warning?: 'one' | 'at most one';
  /** What must be true once a reader has run: the place rebuilt, or set aside. */
  afterReader?(w: World, command: CommandName, target: string): string[];
}

const deleteFiles = (...paths: string[]) => {
  for (const path of paths) rmSync(path, { force: true });
};
/** No cached credentials: the next credential fetch reads the session and takes the credentials lock. */
const cold = (w: World) => deleteFiles(w.paths.credentials, w.paths.index);

const validJson = (path: string, check: (value: Record<string, unknown>) => boolean, what: string): string[] => {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
    return value && check(value) ? [] : [`${what} was not rebuilt: ${path}`];
  } catch (error) {
    return [`${what} was not rebuilt: ${(error as Error).message}`];
  }
};
const validRecord = (path: string, kind: string): string[] =>
  existsSync(path) && recordKind(readFileSync(path, 'utf8')) === kind ? [] : [`the ${kind} record was not rebuilt`];

/** After a run that took the lock: neither it nor its recovery folder or owner note is left. */
const lockLeft = (target: string): string[] =>
  [target, `${target}.recovery`, `${target}.owner`]
    .filter((path) => existsSync(path))
    .map((path) => `${path} is still there`);

const PLACES: Place[] = [
  {
    id: 'provisioned',
    title: 'provisioned identities file',
    mentions: /provisioned/,
    target: (w) => w.paths.provisioned,
    damages: PROVISIONED_DAMAGES,
    readers: [
      { command: 'list' },
      { command: 'validate' },
      { command: 'whoami' },
      { command: 'credential-process' },
      { command: 'login' },
      { command: 'exec' },
      { command: 'config show --origins' },
    ],
    quick: ['list', 'validate', 'login', 'credential-process'],
    bystanders: [],
    afterReader: (w, command) => {
      if (command !== 'login') return [];
      try {
        const document = parseYaml(readFileSync(w.paths.provisioned, 'utf8')) as { auth: { identities: object } };
        const count = Object.keys(document.auth.identities).length;
        return count === DISCOVERED ? [] : [`login rediscovered ${count} identities, not ${DISCOVERED}`];
      } catch (error) {
        return [`login did not rebuild the provisioned file: ${(error as Error).message}`];
      }
    },
  },
  {
    id: 'compiled-config',
    title: 'compiled configuration',
    mentions: /compiled/,
    target: (w) => w.paths.compiled,
    damages: JSON_DAMAGES,
    readers: [{ command: 'list' }, { command: 'whoami' }, { command: 'login' }, { command: 'exec' }],
    quick: ['list', 'exec'],
    // validate always compiles afresh; a cached credential-process answer loads no configuration.
    bystanders: [{ command: 'validate' }, { command: 'credential-process' }],
    afterReader: (w) =>
      validJson(
        w.paths.compiled,
        (value) => value['format'] === 1 && typeof value['config'] === 'object',
        'the compiled configuration',
      ),
  },
  {
    id: 'origins',
    title: 'compiled origins file',
    mentions: /origins|compiled/,
    target: (w) => w.paths.origins,
    damages: JSON_DAMAGES,
    readers: [{ command: 'config show --origins' }],
    quick: ['config show --origins'],
    bystanders: [{ command: 'list' }, { command: 'whoami' }],
    afterReader: (w) => validJson(w.paths.origins, (value) => Array.isArray(value['rows']), 'the origins file'),
  },
  {
    id: 'session',
    title: 'SSO session in the token store',
    mentions: /session|secret|store|token/i,
    target: (w) => w.paths.session,
    prepare: cold,
    damages: [
      ...JSON_DAMAGES,
      { name: 'a record of the wrong shape', apply: (target) => write(target, '{"startUrl":1,"accessToken":[]}') },
    ],
    readers: [
      { command: 'login' },
      { command: 'whoami' },
      { command: 'exec' },
      // It never signs in: without a session it says so (exit 3), after the one warning.
      { command: 'credential-process', code: 3 },
    ],
    quick: ['login', 'credential-process'],
    bystanders: [{ command: 'list' }, { command: 'validate' }],
    afterReader: (w, command) => (command === 'credential-process' ? [] : validRecord(w.paths.session, 'session')),
  },
  {
    id: 'registration',
    title: 'OIDC client registration in the token store',
    mentions: /registration|client|secret|store/i,
    target: (w) => w.paths.registration,
    // No session: the next sign-in needs the registration.
    prepare: (w) => {
      cold(w);
      deleteFiles(w.paths.session);
    },
    damages: JSON_DAMAGES,
    readers: [{ command: 'login' }, { command: 'whoami' }, { command: 'exec' }],
    quick: ['login'],
    bystanders: [{ command: 'credential-process', code: 3 }, { command: 'list' }],
    afterReader: (w) => validRecord(w.paths.registration, 'registration'),
  },
  {
    id: 'credential-cache',
    title: 'cached role credentials in the store',
    mentions: /credential|secret|store/i,
    target: (w) => w.paths.credentials,
    damages: [
      ...JSON_DAMAGES,
      {
        name: 'a record of the wrong shape',
        apply: (target) => write(target, '{"accessKeyId":"ASIA","secretAccessKey":7,"fetchedAt":"x"}'),
      },
    ],
    readers: [{ command: 'credential-process' }, { command: 'whoami' }, { command: 'exec' }],
    quick: ['credential-process', 'whoami'],
    bystanders: [{ command: 'list' }],
    afterReader: (w) => validRecord(w.paths.credentials, 'credentials'),
  },
  {
    id: 'credential-index',
    title: 'credential index entry',
    mentions: /credential|index/i,
    target: (w) => w.paths.index,
    damages: JSON_DAMAGES,
    readers: [{ command: 'credential-process' }, { command: 'list' }],
    quick: ['credential-process', 'list'],
    // They rewrite the entry without reading it.
    bystanders: [{ command: 'validate' }, { command: 'whoami' }],
    // list cannot rebuild the entry (it fetches nothing): it may set it aside, which the clean next run shows.
    afterReader: (w, command) =>
      command === 'list'
        ? []
        : validJson(w.paths.index, (value) => value['format'] === 1, 'the credential index entry'),
  },
  {
    id: 'lock-provision',
    title: 'discovery lock',
    mentions: /lock/i,
    target: (w) => lockPath(w, w.locks.provision),
    damages: LOCK_DAMAGES,
    readers: [{ command: 'login' }],
    quick: ['login'],
    quickDamages: [
      'a lock folder left by a dead process a minute ago',
      'a file of garbage text in place of the lock folder',
      'a lock and its recovery folder left by a process killed while recovering it',
    ],
    bystanders: [{ command: 'list' }],
    afterReader: (_, __, target) => lockLeft(target),
  },
  {
    id: 'lock-session',
    title: 'session lock',
    mentions: /lock/i,
    target: (w) => lockPath(w, w.locks.session),
    // No session: login signs in under this lock.
    prepare: (w) => deleteFiles(w.paths.session),
    damages: LOCK_DAMAGES,
    readers: [{ command: 'login' }],
    quick: ['login'],
    quickDamages: [
      'a lock folder left by a dead process just now',
      'a lock folder left just now, its owner note truncated',
    ],
    bystanders: [{ command: 'list' }],
    afterReader: (_, __, target) => lockLeft(target),
  },
  {
    id: 'lock-credentials',
    title: 'credentials lock',
    mentions: /lock/i,
    target: (w) => lockPath(w, w.locks.credentials),
    prepare: cold,
    damages: LOCK_DAMAGES,
    readers: [{ command: 'credential-process' }, { command: 'whoami' }, { command: 'exec' }],
    quick: ['credential-process', 'exec'],
    quickDamages: ['an empty file in place of the lock folder', 'binary junk in place of the lock folder'],
    bystanders: [{ command: 'list' }],
    afterReader: (_, __, target) => lockLeft(target),
  },
  {
    id: 'run-folder',
    title: 'exec run folders',
    mentions: /run/i,
    target: (w) => w.paths.run,
    damages: RUN_DAMAGES,
    readers: [{ command: 'exec' }],
    quick: ['exec'],
    quickDamages: [
      'a leftover run folder with garbage in child-pid',
      'a file of garbage named like a run folder',
      'a file of garbage in place of the run folder itself',
    ],
    bystanders: [{ command: 'list' }],
    // Leftovers of killed processes are swept as housekeeping: a warning is allowed, not required.
    warning: 'at most one',
    afterReader: (w) => {
      if (!statSync(w.paths.run, { throwIfNoEntry: false })?.isDirectory()) return ['the run folder was not rebuilt'];
      // Folders of dead processes are swept; a stray file rolecall did not make may be left alone.
      const left = readdirSync(w.paths.run).filter((name) => statSync(join(w.paths.run, name)).isDirectory());
      return left.length === 0 ? [] : [`not swept: ${left.join(', ')}`];
    },
  },
];

/** The first line of each warning (a warning's hint or detail lines are indented). */
const warningsIn = (stderr: string): string[] => stderr.split('\n').filter((line) => /^warning: \S/.test(line));

/** What is wrong with a run's ending: a crash, another exit code, too many or too few warnings. */
function judge(
  result: CliResult & { ms: number },
  expected: { code: number; warnings: 'one' | 'at most one' | 'none'; mentions?: RegExp; limitMs: number },
): string[] {
  const problems: string[] = [];
  if (STACK_FRAME.test(result.stderr)) problems.push('a stack trace');
  if (result.stderr.includes('unexpected failure')) problems.push('an "unexpected failure"');
  // A message that names a file must name it whole: a path cut by the secret redaction cannot be acted on.
  const redactedPath = /\/[^\s'"]*\[redacted\][^\s'"]*/.exec(result.stderr);
  if (redactedPath) problems.push(`a path redacted in the output: ${redactedPath[0]}`);
  if (result.code !== expected.code)
    problems.push(
      `exit ${result.code}${[0, 1, 2, 3].includes(result.code ?? -1) ? '' : ' (not 0-3)'}, not ${expected.code}`,
    );
  const warnings = warningsIn(result.stderr);
  if (expected.warnings === 'one' && warnings.length !== 1)
    problems.push(`${warnings.length} warnings, not exactly one`);
  if (expected.warnings === 'at most one' && warnings.length > 1) problems.push(`${warnings.length} warnings`);
  if (expected.warnings === 'none' && warnings.length > 0) problems.push(`${warnings.length} warning(s), not none`);
  if (expected.mentions && warnings.length === 1 && !expected.mentions.test(result.stderr))
    problems.push(`the warning does not say what was damaged (${expected.mentions})`);
  if (result.ms > expected.limitMs) problems.push(`took ${result.ms} ms, more than ${expected.limitMs} ms`);
  return problems;
}

interface Case {
  damage: Damage;
  reader: Reader;
  reads: boolean;
}

function casesOf(place: Place, random: () => number): Case[] {
  const pick = (pool: Damage[], index: number, offset: number) => pool[(offset + index) % pool.length]!;
  const offset = Math.floor(random() * 1_000);
  if (!FULL) {
    const pool = place.quickDamages
      ? place.damages.filter((damage) => place.quickDamages!.includes(damage.name))
      : place.damages;
    expect(pool.length, 'every quick damage is one of the place’s').toBe(
      place.quickDamages?.length ?? place.damages.length,
    );
    // Every quick reader once, and every quick damage (when listed) once.
    const count = Math.max(place.quick.length, place.quickDamages?.length ?? 0);
    return Array.from({ length: count }, (_, index) => ({
      damage: pick(pool, index, offset),
      reader: place.readers.find((reader) => reader.command === place.quick[index % place.quick.length])!,
      reads: true,
    }));
  }
  return [
    ...place.readers.flatMap((reader) => place.damages.map((damage) => ({ damage, reader, reads: true }))),
    ...place.bystanders.map((reader, index) => ({ damage: pick(place.damages, index, offset), reader, reads: false })),
  ];
}

async function attack(place: Place, index: number): Promise<void> {
  const started = Date.now();
  const w = await world(index);
  const cases = casesOf(place, w.random);
  const requestsBefore = totalRequests(w.emu);
  const failures: string[] = [];
  let passed = 0;
  for (const { damage, reader, reads } of cases) {
    await w.restore();
    place.prepare?.(w);
    const target = place.target(w);
    const waits = (await damage.apply(target, w)) === true;
    const code = reader.code ?? 0;
    const limitMs = (waits ? LOCK_STALE_MS : 0) + RUN_LIMIT_MS;

    const first = await w.run(reader.command);
    const problems = judge(first, {
      code,
      warnings: reads ? (place.warning ?? 'one') : 'none',
      mentions: reads ? place.mentions : undefined,
      limitMs,
    }).map((problem) => `first run: ${problem}`);
    if (reads && place.afterReader) problems.push(...place.afterReader(w, reader.command, target));
    const next = await w.run(reader.command);
    problems.push(
      ...judge(next, { code, warnings: 'none', limitMs: RUN_LIMIT_MS }).map((problem) => `next run: ${problem}`),
    );

    if (problems.length === 0) passed++;
    else
      failures.push(
        `${place.title}, ${damage.name}, \`rolecall ${reader.command}\`${reads ? '' : ' (does not read it)'}:\n  ` +
          `${problems.join('\n  ')}\n  first run's stderr:\n${indent(first.stderr)}\n  next run's stderr:\n${indent(next.stderr)}`,
      );
  }
  const commands = (reads: boolean) => [
    ...new Set(cases.filter((c) => c.reads === reads).map((c) => c.reader.command)),
  ];
  const bystanders = commands(false);
  recordFigures(`corrupt-${place.id}`, {
    scenario:
      `damaged ${place.title}: ${new Set(cases.map((c) => c.damage.name)).size} kinds of damage, read by ` +
      `${commands(true).join(', ')}${bystanders.length ? `; also run by ${bystanders.join(', ')}, which do not read it` : ''}`,
    cases: cases.length,
    passed,
    requests: totalRequests(w.emu) - requestsBefore,
    ms: Date.now() - started,
    notes: `seed ${SEED}${failures.length ? `; ${failures.length} case(s) failed: see the test output` : ''}`,
  });
  expect(failures, `seed ${SEED}`).toEqual([]);
}

const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `    | ${line}`)
    .join('\n');

const totalRequests = (emu: Emulator): number =>
  Object.values(emu.stats().requests).reduce((sum, count) => sum + (count ?? 0), 0);

describe.concurrent('damaged files: detected, reported once, rebuilt or set aside, never a crash', () => {
  PLACES.forEach((place, index) => {
    it(`a damaged ${place.title} (${place.id})`, () => attack(place, index + 1), timeLimit(120_000, 600_000));
  });
});
