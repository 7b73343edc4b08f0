import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { writeFileAtomic } from './atomic-write.js';
import { createFileStore, secretsDir } from './file-store.js';
import { createMemoryStore } from './memory-store.js';
import type { StateDirs } from './paths.js';

/** Where secrets go (`auth.keyring.type`, or `ROLECALL_KEYRING`). */
export type KeyringType = 'auto' | 'system' | 'file' | 'memory';
export const KEYRING_TYPES: readonly KeyringType[] = ['auto', 'system', 'file', 'memory'];

/**
 * Opaque values (tokens, client registrations, credentials, as JSON) under opaque keys. Values read or
 * written are registered with the logger, so they never show in a log line.
 */
export interface SecureStore {
  /** The store in use now: a system store that failed has handed over to the file store. */
  readonly kind: 'system' | 'file' | 'memory';
  /** Undefined when absent, and when the entry cannot be read (reported once as a warning). */
  get(key: string): Promise<string | undefined>;
  /** Atomic: readers see the old value or the new one. A symlink planted where the value goes is refused. */
  set(key: string, value: string): Promise<void>;
  /** Removing an absent key is not an error. */
  delete(key: string): Promise<void>;
}

export interface OpenStoreOptions {
  type: KeyringType;
  dirs: StateDirs;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** Bound on each system keyring call, the first probe included. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * A keyring that hung is not probed again under `auto` for a while: otherwise every run, each
 * `credential_process` call included, would pay the whole bounded wait.
 */
const HANG_MEMORY_MS = 10 * 60 * 1000;
const hangMarker = (dirs: StateDirs) => join(dirs.cache, 'keyring-did-not-answer');

function rememberHang(dirs: StateDirs, log: Logger): void {
  try {
    writeFileAtomic(hangMarker(dirs), `${new Date().toISOString()}\n`);
  } catch (error) {
    log.debug(`could not note that the keyring hung: ${(error as Error).message}`);
  }
}

/** One per process, as the OS keyring is one per user: everything opened in a test run sees the same entries. */
let memoryStore: SecureStore | undefined;

/**
 * The secure store chosen by `ROLECALL_KEYRING`, else by `options.type`. `auto` takes the system
 * keyring when it answers a probe in time and the file store otherwise (one debug line says which and
 * why, or a warning if the keyring hangs); `system` does the same but always warns when it falls back. A keyring that fails later on hands
 * over to the file store for the rest of the run, with a warning. Nothing here waits without a bound.
 */
export async function openSecureStore(options: OpenStoreOptions): Promise<SecureStore> {
  const { type, source } = chosenType(options);
  const { dirs, log } = options;
  if (type === 'memory') {
    log.debug(`secure store: memory (${source})`);
    memoryStore ??= createMemoryStore();
    return memoryStore;
  }
  if (type === 'file') {
    log.debug(`secure store: file (${source})`);
    return createFileStore(dirs, log);
  }
  const hungAgoMs = Date.now() - (statSync(hangMarker(dirs), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  if (type === 'auto' && hungAgoMs < HANG_MEMORY_MS) {
    log.debug(
      `secure store: file (${source}; the system keyring did not answer ${Math.round(hungAgoMs / 1000)} s ago and is not asked again for ${HANG_MEMORY_MS / 60_000} minutes; ROLECALL_KEYRING=system asks it now)`,
    );
    return createFileStore(dirs, log);
  }
  const fileStoreInstead =
    (warning: string) =>
    (reason: string): SecureStore => {
      log.warn(`${warning} (${reason}); keeping secrets in files under ${secretsDir(dirs)} instead.`);
      return createFileStore(dirs, log);
    };
  // Loaded only here: the file store, the common case on servers and in CI, needs none of it.
  const { openKeyringStore } = await import('./keyring-store.js');
  const opening = await openKeyringStore({
    env: options.env,
    platform: dirs.platform,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fallback: fileStoreInstead('The system keyring failed'),
  });
  if ('store' in opening) {
    log.debug(`secure store: system keyring (${source}; it answered a probe)`);
    rmSync(hangMarker(dirs), { force: true });
    return opening.store;
  }
  if (opening.hangs) rememberHang(dirs, log);
  // Under auto, a keyring that is simply absent is normal; one that hangs costs every run the wait, and
  // the person should hear of it.
  if (type === 'system' || opening.hangs) {
    return fileStoreInstead('The system keyring is not available')(opening.unavailable);
  }
  log.debug(`secure store: file (${source}; the system keyring is not available: ${opening.unavailable})`);
  return createFileStore(dirs, log);
}

function chosenType({ type, env }: OpenStoreOptions): { type: KeyringType; source: string } {
  const fromEnv = env['ROLECALL_KEYRING'];
  if (!fromEnv) return { type, source: `auth.keyring.type is ${type}` };
  if (!isKeyringType(fromEnv)) {
    throw usageError(
      'invalid-keyring-type',
      `ROLECALL_KEYRING must be one of ${KEYRING_TYPES.join(', ')}; it is ${JSON.stringify(fromEnv)}.`,
      'Unset ROLECALL_KEYRING to use auth.keyring.type from the configuration.',
    );
  }
  return { type: fromEnv, source: `ROLECALL_KEYRING is ${fromEnv}` };
}

const isKeyringType = (value: string): value is KeyringType => (KEYRING_TYPES as readonly string[]).includes(value);
