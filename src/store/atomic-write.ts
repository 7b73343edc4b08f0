import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RolecallError } from '../core/errors.js';

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
