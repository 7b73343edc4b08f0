import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect, onTestFinished, TestRunner } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const cliPath = join(repoRoot, 'bin', 'rolecall.cjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const created: string[] = [];
const started: ChildProcess[] = [];
const openedOutsideTests: { close(): Promise<void> }[] = [];

/**
 * Closes a server once the test that opened it has finished, failed or not; one opened outside a
 * test (in a beforeAll) once the file's tests are done, so that a whole describe block can share it.
 */
export function closeWhenDone(server: { close(): Promise<void> }): void {
  if (TestRunner.getCurrentTest()) onTestFinished(() => server.close());
  else openedOutsideTests.push(server);
}

/**
 * Closes the servers opened outside tests, removes every sandbox made so far and stops every process a
 * test started and left running (a test that timed out waiting on one, say). test/support/cleanup.ts
 * runs it after each test file.
 */
export async function cleanUpAfterFile(): Promise<void> {
  await Promise.all(openedOutsideTests.splice(0).map((server) => server.close()));
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const home of created.splice(0)) rmSync(home, { recursive: true, force: true });
}

/** What a user's own shell would set and a test must not inherit: AWS settings, displays, SSH, colour. */
const ISOLATED = /^(AWS_|ROLECALL_|BROWSER$|DISPLAY$|WAYLAND_DISPLAY$|SSH_|NO_COLOR$|FORCE_COLOR$)/;

/**
 * A user's machine in a temporary folder: HOME and every XDG folder inside it, nothing inherited from
 * the real user, no colour settings.
 */
export class Sandbox {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    this.home = realpathSync(mkdtempSync(join(tmpdir(), 'rolecall-test-')));
    created.push(this.home);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !ISOLATED.test(name)));
    this.env = {
      ...inherited,
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      XDG_CACHE_HOME: join(this.home, '.cache'),
      XDG_STATE_HOME: join(this.home, '.local', 'state'),
      XDG_DATA_HOME: join(this.home, '.local', 'share'),
    };
  }

  path(...parts: string[]): string {
    return join(this.home, ...parts);
  }

  /**
   * Writes a file under HOME. Its modification time is set in the past, as for a file edited a while
   * ago: the compiled configuration does not trust files changed in the last instant.
   */
  write(relative: string, text: string, ageSeconds = 60): string {
    const file = this.path(relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    const then = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(file, then, then);
    return file;
  }

  provisionedFile(provider: string): string {
    return join('.cache', 'rolecall', 'auth', provider, 'provisioned-identities.yaml');
  }

  writeProvisioned(provider: string, text: string): string {
    const file = this.write(this.provisionedFile(provider), text);
    chmodSync(file, 0o600);
    // Private, as rolecall makes them: it warns about cache folders open to others.
    for (let dir = dirname(file); dir.startsWith(this.path('.cache')); dir = dirname(dir)) chmodSync(dir, 0o700);
    return file;
  }

  /** Every file below a folder of the sandbox, relative to it. */
  files(relative = '.'): string[] {
    try {
      return readdirSync(this.path(relative), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(this.path(relative).length + 1));
    } catch {
      return [];
    }
  }

  run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    return runCli(args, { cwd: options.cwd ?? this.home, env: { ...this.env, ...options.env } });
  }

  start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningProcess {
    return startCli(args, { cwd: options.cwd ?? this.home, env: { ...this.env, ...options.env } });
  }

  startInTerminal(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): RunningProcess {
    return startInTerminal(args, { cwd: this.home, env: { ...this.env, ...options.env } });
  }
}

export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A running process whose output can be waited on while it runs (to answer a prompt, say). */
export interface RunningProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves with the first match in that stream's output, once it appears. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Spawns without blocking this process: the emulator a child talks to may live in its event loop. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; stdin?: 'ignore' | 'pipe' },
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const output = { stdout: '', stderr: '' };
  const watchers: (() => void)[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
      output[stream] += chunk;
      for (const watch of [...watchers]) watch();
    });
  }
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, ...output }));
  });
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolvePromise, reject) => {
      const watch = () => {
        const match = output[stream].match(pattern);
        if (!match) return false;
        watchers.splice(watchers.indexOf(watch), 1);
        resolvePromise(match);
        return true;
      };
      watchers.push(watch);
      if (!watch())
        void done.then(() => reject(new Error(`exited before ${stream} matched ${pattern}:\n${output[stream]}`)));
    });
  return { child, done, waitFor };
}

export function startCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): RunningProcess {
  return startProcess(process.execPath, [cliPath, ...args], options);
}

/**
 * The CLI on a pseudo-terminal (`script`), its keyboard fed from a pipe: what a person at a terminal
 * sees arrives on stdout, colour and cursor codes included.
 */
export function startInTerminal(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): RunningProcess {
  // `exec`: script(1) runs the command through $SHELL -c, and a non-interactive dash in between would
  // die of the terminal's Ctrl+C itself where a user's interactive shell leaves it to rolecall.
  const command = ['exec', ...[process.execPath, cliPath, ...args].map((word) => JSON.stringify(word))].join(' ');
  return startProcess('script', ['-qec', command, '/dev/null'], { ...options, stdin: 'pipe' });
}

/**
 * What rolecall sets in the environment of a child it runs as `identity` (in us-east-1) with a
 * refreshing profile, its AWS config at `configFile` (docs/commands.md).
 */
export const runEnv = (configFile: string, identity: string): Record<string, string> => ({
  AWS_CONFIG_FILE: configFile,
  AWS_SHARED_CREDENTIALS_FILE: join(dirname(configFile), 'credentials'),
  AWS_PROFILE: identity,
  AWS_SDK_LOAD_CONFIG: '1',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  ROLECALL_IDENTITY: identity,
});

/** What `whoami --format json` prints. */
export interface Whoami {
  identity: string;
  account: string;
  arn: string;
  user_id: string;
  region: string;
  expiration: string | null;
  credentials: string;
  duration_note: string | null;
}

/** The answer of a `whoami --format json` that succeeded. */
export function parseWhoami(result: CliResult): Whoami {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Whoami;
}

/** What a stack trace looks like in Node's output. */
export const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

export const SSO_PROVIDER = `auth:
  providers:
    sso-prod:
      kind: aws/iam-identity-center
      start_url: https://my-org.awsapps.com/start
      region: us-east-1
      auto_provision_identities: true
`;

export const provisionedIdentity = (
  account: string,
  id: string,
  role: string,
  provider = 'sso-prod',
) => `    ${account}/${role}:
      kind: aws/permission-set
      provider: ${provider}
      via: { provider: ${provider} }
      principal: { name: ${role}, account: { name: ${account}, id: "${id}" } }
`;
