import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { StateDirs } from '../../src/store/paths.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** State folders inside a fresh temporary folder; `state` does not exist yet, as on a new machine. */
export function tempDirs(): StateDirs & { root: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'rolecall-store-')));
  return {
    root,
    platform: process.platform,
    config: join(root, 'config', 'rolecall'),
    cache: join(root, 'cache', 'rolecall'),
    state: join(root, 'state', 'rolecall'),
    data: join(root, 'data', 'rolecall'),
  };
}

export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = createLogger('debug', { write: (text: string) => lines.push(text.trimEnd()) });
  return Object.assign(log, { lines });
}

/**
 * Bundles a module of src/ for child processes to import. The bundle goes under node_modules/.cache so
 * that the packages it leaves out (the keyring, proper-lockfile) resolve from the repository, as they
 * do for the built CLI. Returns the bundle's path and a function that removes it.
 */
export async function bundle(source: string): Promise<{ path: string; remove(): void }> {
  const path = join(
    repoRoot,
    'node_modules',
    '.cache',
    'rolecall-store-tests',
    `${basename(source, '.ts')}-${process.pid}.mjs`,
  );
  await build({
    entryPoints: [join(repoRoot, source)],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { path, remove: () => rmSync(path, { force: true }) };
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Whether the test had to kill it: it did not exit within the given bound. */
  killed: boolean;
}

/** Runs a command to its end, killing it if it outlives `limitMs`. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; limitMs: number; onStdout?: (text: string) => void },
): { done: Promise<NodeRun>; kill(signal: NodeJS.Signals): void } {
  const started = performance.now();
  const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(stdout);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const limit = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, options.limitMs);
  const done = new Promise<NodeRun>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolvePromise({ code, signal, stdout, stderr, ms: performance.now() - started, killed });
    });
  });
  return { done, kill: (signal) => child.kill(signal) };
}

/** An environment with no D-Bus session bus, as on a headless server or in CI. */
export function envWithoutBus(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const {
    DBUS_SESSION_BUS_ADDRESS: _bus,
    XDG_RUNTIME_DIR: _runtime,
    ROLECALL_KEYRING: _keyring,
    ...rest
  } = process.env;
  return { ...rest, ...extra };
}
