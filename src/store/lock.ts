import { createHash } from 'node:crypto';
import fs, { lstatSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RolecallError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { StateDirs } from './paths.js';
import { isProcessAlive } from './process-alive.js';

export interface LockOptions {
  /** Hears, as a warning, of a lock taken over from a process that left it (killed, say) or of damage in its place. */
  log: Logger;
  /** How long to wait for another process's lock before giving up. A login may wait for a person. */
  waitMs?: number;
  /** How long a lock may go without its holder's heartbeat before it counts as left by a dead process. */
  staleMs?: number;
}

const DEFAULT_WAIT_MS = 5 * 60_000;
const DEFAULT_STALE_MS = 5_000;
/** proper-lockfile's floor for its heartbeat; a stale limit must leave room for a few missed beats. */
const HEARTBEAT_MS = 1_000;
const MIN_STALE_MS = 2 * HEARTBEAT_MS;
const MAX_POLL_MS = 250;

const privateMkdirFs = {
  ...fs,
  mkdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) => fs.mkdir(path, 0o700, callback),
};

/**
 * Runs `work` while holding the cross-process lock called `name`, so that processes racing for the same
 * login or refresh do it once: the others wait, then find the work done.
 *
 * The lock is a folder under `<state>/locks/` (mkdir is atomic everywhere). Its holder touches it every
 * second for as long as it lives, however long `work` takes (a browser login included), and notes its
 * pid in it. A lock whose holder has died is taken over at once; one whose folder has not been touched
 * for `staleMs` (a minute when its holder is known to be alive) is taken over too.
 */
export async function withLock<T>(
  dirs: StateDirs,
  name: string,
  work: () => Promise<T>,
  options: LockOptions,
): Promise<T> {
  const path = lockPath(dirs, name);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const release = await acquire(path, name, {
    log: options.log,
    waitMs: options.waitMs ?? DEFAULT_WAIT_MS,
    staleMs: Math.max(options.staleMs ?? DEFAULT_STALE_MS, MIN_STALE_MS),
  });
  try {
    return await work();
  } finally {
    // A lock taken over while we held it (the machine slept past `staleMs`) is someone else's now:
    // failing to release it is expected, and the work is done either way.
    await release().catch(() => undefined);
  }
}

/**
 * Where the lock called `name` lives. Names are free text (portal URLs...): the file name keeps a
 * readable part in which every run of other characters than letters, digits and `-` became one dot,
 * plus a hash of the whole name, so that names differing only in those characters get separate locks.
 * The dots also keep the name from looking like a token to the log redaction.
 */
export function lockPath(dirs: StateDirs, name: string): string {
  const readable = name.replace(/[^A-Za-z0-9-]+/g, '.').slice(0, 48);
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return join(dirs.state, 'locks', `${readable}.${digest}.lock`);
}

async function acquire(
  path: string,
  name: string,
  { log, waitMs, staleMs }: Required<LockOptions>,
): Promise<() => Promise<void>> {
  const { lock } = await import('proper-lockfile');
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const release = await lock(path, {
        lockfilePath: path,
        realpath: false,
        // Staleness is judged by removeIfStale below, never by proper-lockfile itself: its check-then-remove
        // lets two waiters each remove the lock the other has just taken.
        stale: Number.POSITIVE_INFINITY,
        update: HEARTBEAT_MS,
        // The default throws from a timer, which would crash the holder; at worst the work runs twice.
        onCompromised: () => undefined,
        // Private like every folder rolecall makes (proper-lockfile would use the umask's 0755).
        fs: privateMkdirFs,
      });
      noteOwner(path);
      return async () => {
        rmSync(ownerFile(path), { force: true });
        await release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockError(path, error);
    }
    const removed = removeIfStale(path, staleMs);
    if (removed !== undefined) {
      if (removed !== '') log.warn(removed);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new RolecallError(
        'lock-timeout',
        `Gave up after ${duration(waitMs)} waiting for another rolecall process to finish (lock ${JSON.stringify(name)}).`,
        { hint: `If no other rolecall process is running, remove ${path} and try again.` },
      );
    }
    await sleep(Math.min(left, 10 * 2 ** Math.min(attempt, 5), MAX_POLL_MS));
  }
}

/**
 * Who holds a lock, beside its folder (a file inside would change the folder's modification time,
 * which proper-lockfile takes for another process's heartbeat). It names the folder it was written
 * for, by inode and birth time, so a note left by a dead holder is never read as the next one's.
 */
const ownerFile = (path: string) => `${path}.owner`;
/** A holder alive on this machine but silent this long (stopped with Ctrl+Z, say) loses its lock all the same. */
const SILENT_OWNER_MS = 60_000;

const folderIdentity = (path: string): string | undefined => {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats && `${stats.ino}:${stats.birthtimeMs}`;
};

function noteOwner(path: string): void {
  try {
    const note = { pid: process.pid, host: hostname(), folder: folderIdentity(path) };
    writeFileSync(ownerFile(path), JSON.stringify(note), { mode: 0o600 });
  } catch {
    // Without the note, waiters judge by the heartbeat alone.
  }
}

/** The holder's pid and whether it still runs, when it ran on this machine; else nobody can tell. */
function ownerState(path: string): { pid: number; alive: boolean } | undefined {
  try {
    const owner = JSON.parse(readFileSync(ownerFile(path), 'utf8')) as {
      pid?: unknown;
      host?: unknown;
      folder?: unknown;
    };
    const current = owner.folder !== undefined && owner.folder === folderIdentity(path);
    if (!current || owner.host !== hostname() || typeof owner.pid !== 'number') return undefined;
    return { pid: owner.pid, alive: isProcessAlive(owner.pid) };
  } catch {
    return undefined;
  }
}

/**
 * Why the lock at `path` counts as left, if it does: its holder on this machine has died, or it stopped
 * touching the lock `staleMs` ago (a holder known to be alive gets a minute: its event loop may be
 * starved or stopped, and taking over would do its work twice). An empty reason: the lock is gone.
 */
function leftBecause(path: string, staleMs: number): string | undefined {
  const age = ageMs(path);
  if (age === undefined) return '';
  const owner = ownerState(path);
  const seconds = `${Math.round(age / 1000)} s`;
  if (owner && !owner.alive)
    return `The lock ${path} was left by rolecall process ${owner.pid}, which ended holding it; took it over.`;
  if (owner) {
    if (age < Math.max(staleMs, SILENT_OWNER_MS)) return undefined;
    return `The lock ${path} is held by rolecall process ${owner.pid}, silent for ${seconds} (stopped?); took it over.`;
  }
  if (age < staleMs) return undefined;
  return `The lock ${path} was left by a process that ended holding it (untouched for ${seconds}); took it over.`;
}

/**
 * Removes the lock at `path` if it was left (see leftBecause). Returns undefined while it is held;
 * else the caller tries again at once, and the returned warning, unless empty, says what was wrong. Only
 * one process at a time may decide that: it holds `<path>.recovery` meanwhile and looks again once it
 * does, so a lock taken a moment ago is never removed by a waiter that saw its dead predecessor.
 */
function removeIfStale(path: string, staleMs: number): string | undefined {
  const found = lstatSync(path, { throwIfNoEntry: false });
  if (!found) return '';
  // A lock is only ever a folder: anything else there (a file, after damage) would block forever.
  if (!found.isDirectory()) {
    rmSync(path, { force: true });
    return `A file was in place of the lock folder ${path} (damaged, or another program's); removed it.`;
  }
  if (leftBecause(path, staleMs) === undefined) return undefined;
  const recovery = `${path}.recovery`;
  try {
    mkdirSync(recovery, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(recovery, error);
    // Recovery takes a moment; one this old was abandoned by a process killed in the middle of it.
    if ((ageMs(recovery) ?? 0) >= staleMs) removeDir(recovery);
    return undefined;
  }
  try {
    const reason = leftBecause(path, staleMs);
    if (reason === undefined) return undefined;
    rmSync(ownerFile(path), { force: true });
    removeDir(path);
    return reason;
  } finally {
    removeDir(recovery);
  }
}

const ageMs = (path: string): number | undefined => {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats && Date.now() - stats.mtimeMs;
};

function removeDir(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw lockError(path, error);
  }
}

const duration = (ms: number): string => (ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`);

const lockError = (path: string, cause: unknown): RolecallError =>
  new RolecallError('lock-failed', `Could not take the lock ${path}: ${(cause as Error).message}`, { cause });
