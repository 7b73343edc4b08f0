import { chmodSync, lstatSync } from 'node:fs';
import type { Logger } from '../core/log.js';
import type { StateDirs } from './paths.js';

/**
 * rolecall's cache and state folders are its own: one opened to other users (a umask, a backup
 * restored, a chmod -R) is made private again, with a warning, before anything is read from it.
 */
export function keepStateFoldersPrivate(dirs: StateDirs, log: Logger): void {
  if (dirs.platform === 'win32') return;
  for (const dir of [dirs.cache, dirs.state]) {
    const stats = lstatSync(dir, { throwIfNoEntry: false });
    if (!stats?.isDirectory() || (stats.mode & 0o077) === 0) continue;
    try {
      chmodSync(dir, 0o700);
      log.warn(`${dir} was open to other users (mode ${(stats.mode & 0o777).toString(8)}); made it private (0700).`);
    } catch (error) {
      log.warn(
        `${dir} is open to other users and could not be made private: ${(error as NodeJS.ErrnoException).code}.`,
      );
    }
  }
}
