import { closeSync, constants, openSync, readFileSync, rmSync } from 'node:fs';
import type { Logger } from '../core/log.js';

/** Why a file or record is damaged, for a file that parses as JSON but has the wrong shape. */
export const NOT_OURS = 'it is not what rolecall writes';

/** Why a text is damaged, without quoting it (it may hold secrets). */
export function damageOf(text: string): string {
  if (text.trim() === '') return 'it is empty';
  try {
    JSON.parse(text);
    return NOT_OURS;
  } catch {
    return 'it is not valid JSON: cut short or overwritten';
  }
}

/** A JSON file rolecall keeps: absent (or unreadable as a file), parsed, or damaged and why. */
export type JsonFileRead =
  | { state: 'absent' }
  | { state: 'parsed'; value: unknown }
  | { state: 'damaged'; damage: string };

/** O_NOFOLLOW: a symlink planted in place of the file is not read through. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

export function readJsonFile(path: string): JsonFileRead {
  let text: string;
  try {
    const fd = openSync(path, READ_FLAGS);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return { state: 'absent' };
  }
  try {
    return { state: 'parsed', value: JSON.parse(text) };
  } catch {
    return { state: 'damaged', damage: damageOf(text) };
  }
}

/** Reports a damaged file once and removes it, so that it is rebuilt and not reported again. */
export function discardDamagedFile(path: string, what: string, damage: string, instead: string, log: Logger): void {
  rmSync(path, { force: true });
  log.warn(`The ${what} ${path} was damaged (${damage}); removed it, ${instead}.`);
}
