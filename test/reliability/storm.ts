import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { type CliResult, cliPath, type RunningProcess, Sandbox, STACK_FRAME, startProcess } from '../support/cli.js';
import { providerConfig } from '../support/emulator.js';
import { recordFigures } from './scale.js';

/**
 * What the load and fault scenarios share: a world (the emulator in this process, a sandbox pointed
 * at it), ways to age a session, and an inspection of everything rolecall left on disk.
 */

/** The manual identity the scenarios ask for: it exists whether or not discovery has run. */
export const IDENTITY = 'deployer';

/** A provider that provisions at login, and `deployer`: DeployerAccess in production (222222222222). */
export const stormConfig = (autoProvision = true) =>
  providerConfig({
    autoProvision,
    extra: `  identities:
    ${IDENTITY}:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: DeployerAccess, account: { id: "222222222222" } }
`,
  });

export interface World {
  emu: Emulator;
  env: NodeJS.ProcessEnv;
  sandbox: Sandbox;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  start(args: string[], extraEnv?: NodeJS.ProcessEnv): RunningProcess;
  /** The CLI in a session of its own (setsid): no controlling terminal, as an AWS tool runs it. */
  background(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** AWS requests that reached this world's emulator, stats resets notwithstanding. */
  requests(): number;
  /** How many of them were answered with this HTTP status (0: the connection was reset). */
  answered(status: number): number;
}

const opened = new Set<Emulator>();

/** Stops the emulators of the worlds still open (after each test, or after a file of concurrent tests). */
export async function closeWorlds(): Promise<void> {
  const emulators = [...opened];
  opened.clear();
  await Promise.all(emulators.map((emu) => emu.close()));
}

export async function world(
  options: EmulatorOptions = {},
  config = stormConfig(),
  sandbox = new Sandbox(),
): Promise<World> {
  let requests = 0;
  const statuses = new Map<number, number>();
  // Started here rather than through test/support's emulator(), which closes it when "the current test"
  // ends: with scenarios running concurrently, that may be another scenario. Closed by closeWorlds or Cases.
  const emu = await startEmulator({
    autoApprove: true,
    ...options,
    onRequest: (entry) => {
      requests++;
      statuses.set(entry.status, (statuses.get(entry.status) ?? 0) + 1);
      options.onRequest?.(entry);
    },
  });
  const env = { ...emu.env, ROLECALL_KEYRING: 'file' };
  opened.add(emu);
  const close = emu.close.bind(emu);
  emu.close = () => {
    opened.delete(emu);
    return close();
  };
  sandbox.write('rolecall.yaml', config);
  const merged = (extraEnv: NodeJS.ProcessEnv = {}) => ({ env: { ...env, ...extraEnv } });
  return {
    emu,
    env,
    sandbox,
    run: (args, extraEnv) => sandbox.run(args, merged(extraEnv)),
    start: (args, extraEnv) => sandbox.start(args, merged(extraEnv)),
    background: (args, extraEnv) =>
      startProcess('setsid', ['-w', process.execPath, cliPath, ...args], {
        cwd: sandbox.home,
        env: { ...sandbox.env, ...env, ...extraEnv },
      }).done,
    requests: () => requests,
    answered: (status) => statuses.get(status) ?? 0,
  };
}

export const secretsFolder = (sandbox: Sandbox) => sandbox.path('.local', 'state', 'rolecall', 'secrets');
export const locksFolder = (sandbox: Sandbox) => sandbox.path('.local', 'state', 'rolecall', 'locks');
export const runFolder = (sandbox: Sandbox) => sandbox.path('.local', 'state', 'rolecall', 'run');
export const indexFolder = (sandbox: Sandbox) => sandbox.path('.cache', 'rolecall', 'credentials');

/** Makes the stored SSO session look obtained a while ago, as time would (see test/e2e/login.test.ts). */
export function ageSession(sandbox: Sandbox, seconds: number): void {
  const folder = secretsFolder(sandbox);
  for (const name of readdirSync(folder)) {
    const file = join(folder, name);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    if (!record.accessToken) continue;
    record.issuedAt = new Date(Date.parse(record.issuedAt) - seconds * 1000).toISOString();
    writeFileSync(file, JSON.stringify(record));
  }
}

/** The secure store's records, parsed (the file store keeps one JSON document per key). */
export function storedRecords(sandbox: Sandbox): Record<string, unknown>[] {
  const folder = secretsFolder(sandbox);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')));
}

/** Role credentials the store holds (records with keys), as opposed to sessions and client registrations. */
export const storedRoleCredentials = (sandbox: Sandbox) =>
  storedRecords(sandbox).filter((record) => 'accessKeyId' in record || 'secretAccessKey' in record);

const XDG = ['.config', '.cache', join('.local', 'state'), join('.local', 'share')];

/**
 * Everything wrong with what rolecall left under the sandbox's XDG folders once no rolecall process
 * runs: files that do not parse (YAML through `yaml`, JSON and secrets through JSON.parse), temp files,
 * lock folders, run folders of exec. An empty list means a clean state.
 */
export function stateProblems(sandbox: Sandbox): string[] {
  const problems: string[] = [];
  const secrets = secretsFolder(sandbox);
  for (const base of XDG) {
    for (const relative of sandbox.files(base)) {
      const file = sandbox.path(base, relative);
      const text = readFileSync(file, 'utf8');
      const shown = join(base, relative);
      if (/\.tmp$/.test(file) || /\.tmp\b/.test(relative)) problems.push(`temp file left: ${shown}`);
      try {
        if (/\.ya?ml$/.test(file)) parseYaml(text);
        else if (/\.json$/.test(file) || file.startsWith(`${secrets}/`)) JSON.parse(text);
        else if (!file.startsWith(`${runFolder(sandbox)}/`)) problems.push(`unexpected file: ${shown}`);
      } catch (error) {
        problems.push(`does not parse: ${shown} (${(error as Error).message.split('\n')[0]}): ${text.slice(0, 80)}`);
      }
    }
  }
  const locks = existsSync(locksFolder(sandbox)) ? readdirSync(locksFolder(sandbox)) : [];
  for (const name of locks) problems.push(`lock left: locks/${name}`);
  const runs = existsSync(runFolder(sandbox)) ? readdirSync(runFolder(sandbox)) : [];
  for (const name of runs) problems.push(`exec run folder left: run/${name}`);
  return problems;
}

/**
 * What is wrong with how a run ended, or undefined: an exit code outside `allowed`, a stack trace, an
 * "unexpected failure", or a failure without its one `error:` line.
 */
export function badEnding(result: CliResult, allowed: readonly number[] = [0, 1, 2, 3]): string | undefined {
  const { code, stderr } = result;
  if (code === null || !allowed.includes(code)) return `exit ${code}`;
  if (STACK_FRAME.test(stderr)) return 'stack trace';
  if (stderr.includes('unexpected failure')) return 'unexpected failure';
  if (code !== 0 && (stderr.match(/^error: /gm) ?? []).length !== 1) return `exit ${code} without one error line`;
  return undefined;
}

/** How many AWS requests reached the emulator, every operation together. */
export const totalRequests = (emu: Emulator): number =>
  Object.values(emu.stats().requests).reduce((sum, count) => sum + (count ?? 0), 0);

/** Runs `work` and says how long it took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

export interface ProcessCredentials {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration?: string;
}

/** The one JSON document a credential_process prints, or an error saying what else came. */
export function processCredentials(result: CliResult): ProcessCredentials {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as ProcessCredentials;
  if (result.stdout !== `${JSON.stringify(parsed)}\n`) throw new Error(`not one JSON line: ${result.stdout}`);
  if (parsed.Version !== 1 || !parsed.AccessKeyId || !parsed.SecretAccessKey) {
    throw new Error(`incomplete: ${result.stdout}`);
  }
  return parsed;
}

/** The provisioned identities as `list --format json` shows them: name, account and role. */
export async function listedIdentities(world: Pick<World, 'run'>): Promise<string[]> {
  const result = await world.run(['list', '--format', 'json']);
  if (result.code !== 0) throw new Error(`list: exit ${result.code}: ${result.stderr}`);
  const identities = JSON.parse(result.stdout).identities as {
    name: string;
    account: { id: string } | null;
    role: string | null;
  }[];
  return identities.map((identity) => `${identity.name} ${identity.account?.id ?? '-'} ${identity.role ?? '-'}`);
}

/** A small seeded generator (mulberry32), so a storm can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The provisioned file of `sso-prod` without its time stamp: what two runs that found the same must share. */
export function provisionedContent(sandbox: Sandbox): string {
  const file = sandbox.path(sandbox.provisionedFile('sso-prod'));
  return existsSync(file) ? readFileSync(file, 'utf8').replace(/^\s*provisioned_at: .*$/m, '') : '(none)';
}

/**
 * The cases of one scenario and the worlds they made: each case runs to its end even when another
 * failed, so the figures count them all; `finish` closes the worlds, records the figures (requests are
 * those of the scenario's own worlds), then fails with every failure at once.
 */
export class Cases {
  private readonly failures: string[] = [];
  private readonly started = performance.now();
  private readonly worlds: World[] = [];
  private readonly notes: string[] = [];
  cases = 0;
  passed = 0;

  async world(options: EmulatorOptions = {}, config = stormConfig()): Promise<World> {
    const made = await world(options, config);
    this.worlds.push(made);
    return made;
  }

  async run(name: string, work: () => Promise<void>): Promise<void> {
    this.cases++;
    try {
      await work();
      this.passed++;
    } catch (error) {
      this.failures.push(`${name}: ${(error as Error).stack ?? error}`);
    }
  }

  /** A figure worth keeping beside the counts (a duration, a request count). */
  note(text: string): void {
    this.notes.push(text);
  }

  async finish(id: string, scenario: string): Promise<void> {
    const ms = Math.round(performance.now() - this.started);
    await Promise.all(this.worlds.map((made) => made.emu.close()));
    recordFigures(id, {
      scenario,
      cases: this.cases,
      passed: this.passed,
      requests: this.worlds.reduce((sum, made) => sum + made.requests(), 0),
      ms,
      ...(this.notes.length ? { notes: this.notes.join('; ') } : {}),
    });
    if (this.failures.length > 0)
      throw new Error(`${this.failures.length} case(s) failed:\n\n${this.failures.join('\n\n')}`);
  }
}
