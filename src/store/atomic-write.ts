import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RolecallError } from '../core/errors.js';
import { isProcessAlive } from './process-alive.js';

/**
 * Writes a file so that readers see the old or the new content, never a torn one: a private temp file
 * in the same folder (created exclusively, so a planted symlink is never followed), flushed, then
 * renamed over the target. Folders it creates are 0700; the file is 0600 unless told otherwise.
 * A symlink already standing at the target is refused: the rename would replace it without following
 * it, but a link where rolecall keeps its files means someone else has been writing there.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  refuseSymlink(path);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  removeOrphanedTemps(path);
}

/**
 * A writer killed between creating its temp file and the rename leaves the temp behind; the next
 * write of the same file removes those whose process is gone (a live one may still be writing).
 */
function removeOrphanedTemps(path: string): void {
  const prefix = `${basename(path)}.`;
  const folder = dirname(path);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid && !isProcessAlive(Number(pid))) rmSync(join(folder, name), { force: true });
  }
}

/** Throws when `path` is a symbolic link; a missing path is fine. */
export function refuseSymlink(path: string): void {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats?.isSymbolicLink()) {
    throw new RolecallError('symlink-refused', `Refusing to write ${path}: it is a symbolic link.`, {
      hint: `Remove ${path} if you did not create it; rolecall writes its own files there.`,
    });
  }
}
