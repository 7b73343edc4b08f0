import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { isRolecallError, RolecallError } from '../core/errors.js';
import { type Logger, registerSecret } from '../core/log.js';
import { refuseSymlink, writeFileAtomic } from './atomic-write.js';
import type { StateDirs } from './paths.js';
import type { SecureStore } from './secure-store.js';

/**
 * O_NOFOLLOW: a symlink planted at an entry is not read through. O_NONBLOCK: a FIFO planted there
 * cannot make the read wait forever. Both are absent on Windows, where they are simply left out.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const PRIVATE_FILE = 0o600;
const PRIVATE_FOLDER = 0o700;

export const secretsDir = (dirs: StateDirs): string => join(dirs.state, 'secrets');

/**
 * The file that holds a key's value, named by a hash so that keys (which name portals) do not show.
 * 96 bits tell a handful of keys apart, and a name that short is not mistaken for a token and
 * redacted from the warnings that name the file.
 */
export const secretFilePath = (dirs: StateDirs, key: string): string =>
  join(secretsDir(dirs), createHash('sha256').update(key).digest('hex').slice(0, 24));

/**
 * Secrets as files: one per key in a 0700 folder under the state folder, each 0600, written atomically.
 * Modes that were widened behind rolecall's back are narrowed again, with a warning; an entry that
 * cannot be read (a folder, a symlink, a FIFO...) is reported once and treated as absent.
 */
export function createFileStore(dirs: StateDirs, log: Logger): SecureStore {
  const dir = secretsDir(dirs);
  const checksModes = dirs.platform !== 'win32';
  const warnings = new Set<string>();
  const warnOnce = (message: string): void => {
    if (warnings.has(message)) return;
    warnings.add(message);
    log.warn(message);
  };
  const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

  const narrowFolderMode = (mode: number): void => {
    if (!checksModes || (mode & 0o077) === 0) return;
    chmodSync(dir, PRIVATE_FOLDER);
    warnOnce(`${dir} was open to other users (mode ${octal(mode)}); made it private (0700).`);
  };

  /** Whether there is a private secrets folder to read from. */
  const readableFolder = (): boolean => {
    const stats = lstatSync(dir, { throwIfNoEntry: false });
    if (!stats) return false;
    if (!stats.isDirectory()) {
      warnOnce(`Ignoring ${dir}: it is not a folder (a symbolic link?), so no secret is read from it.`);
      return false;
    }
    narrowFolderMode(stats.mode);
    return true;
  };

  const ensureFolder = (): void => {
    refuseSymlink(dir);
    mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
    narrowFolderMode(lstatSync(dir).mode);
  };

  const ignoreEntry = (path: string, reason: string): undefined => {
    warnOnce(`Ignoring the stored secret ${path}: ${reason}.`);
    return undefined;
  };

  return {
    kind: 'file',
    async get(key) {
      if (!readableFolder()) return undefined;
      const path = secretFilePath(dirs, key);
      let fd: number;
      try {
        fd = openSync(path, READ_FLAGS);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT') return undefined;
        return ignoreEntry(path, code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be read (${code})`);
      }
      try {
        const stats = fstatSync(fd);
        if (!stats.isFile()) return ignoreEntry(path, 'it is not a regular file');
        if (checksModes && (stats.mode & 0o077) !== 0) {
          fchmodSync(fd, PRIVATE_FILE);
          warnOnce(`${path} was readable by other users (mode ${octal(stats.mode)}); made it private (0600).`);
        }
        const value = readFileSync(fd, 'utf8');
        registerSecret(value);
        return value;
      } catch (error) {
        return ignoreEntry(path, `it cannot be read (${errorCode(error)})`);
      } finally {
        closeSync(fd);
      }
    },
    async set(key, value) {
      registerSecret(value);
      const path = secretFilePath(dirs, key);
      try {
        ensureFolder();
        writeFileAtomic(path, value, PRIVATE_FILE);
      } catch (error) {
        if (isRolecallError(error)) throw error;
        throw new RolecallError('secret-write-failed', `Could not store a secret in ${path}: ${errorCode(error)}.`, {
          cause: error,
          hint: `Check that ${dir} is a folder you own, with room to write.`,
        });
      }
    },
    async delete(key) {
      // Recursive, so that an entry damaged into a folder can still be removed (by logout, say).
      rmSync(secretFilePath(dirs, key), { force: true, recursive: true });
    },
  };
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);
