import { createHash } from 'node:crypto';
import fs, { lstatSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RolecallError } from '../core/errors.js';
import type { StateDirs } from './paths.js';
import { isProcessAlive } from './process-alive.js';

export interface LockOptions {
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
  options: LockOptions = {},
): Promise<T> {
  const path = lockPath(dirs, name);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const release = await acquire(path, name, {
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
  { waitMs, staleMs }: Required<LockOptions>,
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
    if (removeIfStale(path, staleMs)) continue;
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

/** `dead`: the holder ran on this machine and has gone; `alive`: it still runs; else nobody can tell. */
function ownerState(path: string): 'alive' | 'dead' | 'unknown' {
  try {
    const owner = JSON.parse(readFileSync(ownerFile(path), 'utf8')) as {
      pid?: unknown;
      host?: unknown;
      folder?: unknown;
    };
    const current = owner.folder !== undefined && owner.folder === folderIdentity(path);
    if (!current || owner.host !== hostname() || typeof owner.pid !== 'number') return 'unknown';
    return isProcessAlive(owner.pid) ? 'alive' : 'dead';
  } catch {
    return 'unknown';
  }
}

/**
 * Whether the lock at `path` was left: its holder on this machine has died, or it stopped touching the
 * lock `staleMs` ago (a holder known to be alive gets a minute: its event loop may be starved or
 * stopped, and taking over would do its work twice).
 */
function isStale(path: string, staleMs: number): boolean {
  const age = ageMs(path);
  if (age === undefined) return true;
  const owner = ownerState(path);
  return owner === 'dead' || age >= (owner === 'alive' ? Math.max(staleMs, SILENT_OWNER_MS) : staleMs);
}

/**
 * Removes the lock at `path` if it was left (see isStale); true when the caller should try again at
 * once (the lock is gone). Only one process at a time may decide that: it holds `<path>.recovery`
 * meanwhile and looks again once it does, so a lock taken a moment ago is never removed by a waiter
 * that saw its dead predecessor.
 */
function removeIfStale(path: string, staleMs: number): boolean {
  if (ageMs(path) === undefined) return true;
  // A lock is only ever a folder: anything else there (a file, after damage) would block forever.
  if (!lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    rmSync(path, { force: true });
    return true;
  }
  if (!isStale(path, staleMs)) return false;
  const recovery = `${path}.recovery`;
  try {
    mkdirSync(recovery, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(recovery, error);
    // Recovery takes a moment; one this old was abandoned by a process killed in the middle of it.
    if ((ageMs(recovery) ?? 0) >= staleMs) removeDir(recovery);
    return false;
  }
  try {
    if (isStale(path, staleMs)) {
      rmSync(ownerFile(path), { force: true });
      removeDir(path);
    }
  } finally {
    removeDir(recovery);
  }
  return true;
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
