import type { Logger } from '../core/log.js';
import { damageOf } from './json-file.js';
import type { SecureStore } from './secure-store.js';

/** What a damaged record reports and what the caller does instead, e.g. `SSO session for <url>`, `signing in again`. */
export interface RecordReport {
  log: Logger;
  what: string;
  instead: string;
}

/**
 * A record from the secure store, parsed; undefined when absent. A damaged one (cut short by a full
 * disk, overwritten, edited) is reported once as a warning and removed, so that the caller's rebuild
 * starts clean and later runs do not report it again. It is removed only while it still holds the
 * damaged text: another process may have just written a whole record in its place.
 */
export async function readStoredRecord<T>(
  store: SecureStore,
  key: string,
  parse: (text: string) => T | undefined,
  report: RecordReport,
): Promise<T | undefined> {
  const text = await store.get(key);
  if (text === undefined) return undefined;
  const record = parse(text);
  if (record !== undefined) return record;
  if ((await store.get(key)) === text) await store.delete(key);
  report.log.warn(`The stored ${report.what} was damaged (${damageOf(text)}); removed it, ${report.instead}.`);
  return undefined;
}
