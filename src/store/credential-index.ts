import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/log.js';
import { writeFileAtomic } from './atomic-write.js';
import { discardDamagedFile, NOT_OURS, readJsonFile } from './json-file.js';
import type { StateDirs } from './paths.js';

/**
 * Where an identity's cached credentials are, and until when they hold, without a secret: what lets
 * `credential-process` answer without loading the configuration, and `list` show each identity's state
 * without opening the secure store.
 */
export interface CredentialIndexEntry {
  format: typeof FORMAT;
  configFile: string;
  /** The identity as it was asked for (`--identity`). */
  identity: string;
  /** The identity's name in the configuration. */
  name: string;
  store: 'file' | 'system';
  storeKey: string;
  /** Every store key the identity's chain keeps credentials under (its own and those it starts from). */
  chainKeys: string[];
  /** Absent for keys that do not expire. */
  expiration?: string;
  /** The portal of the provider the credentials come from, so that logging out removes them. */
  portalKey?: string;
  /** What the configuration was made from; opaque here. */
  sources: unknown;
  /** The environment variables that change the answer, as they were. */
  env: Record<string, string>;
}

const FORMAT = 1;

/** Variables that decide which credentials an identity gets (endpoints) and where they live (keyring). */
export const DECISIVE_ENV = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SSO',
  'AWS_ENDPOINT_URL_STS',
  'ROLECALL_KEYRING',
] as const;

export const decisiveEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(DECISIVE_ENV.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])));

const indexDir = (dirs: StateDirs) => join(dirs.cache, 'credentials');

/** The name entries carry when noted for the configuration's `default: true` identity, chosen by no name. */
export const DEFAULT_IDENTITY = '';

export const credentialIndexPath = (dirs: StateDirs, configFile: string, identity: string): string =>
  join(indexDir(dirs), `${createHash('sha256').update(`${configFile}\0${identity}`).digest('hex').slice(0, 24)}.json`);

const isEntry = (entry: Partial<CredentialIndexEntry>): entry is CredentialIndexEntry =>
  typeof entry.configFile === 'string' &&
  typeof entry.identity === 'string' &&
  typeof entry.name === 'string' &&
  (entry.store === 'file' || entry.store === 'system') &&
  typeof entry.storeKey === 'string' &&
  Array.isArray(entry.chainKeys) &&
  (entry.expiration === undefined || typeof entry.expiration === 'string') &&
  typeof entry.env === 'object' &&
  entry.env !== null;

/**
 * The entry in the file at `path`: undefined when absent or written by another version; a damaged one
 * is reported once and removed (the next credential fetch notes the identity again).
 */
function readEntry(path: string, log: Logger): CredentialIndexEntry | undefined {
  const read = readJsonFile(path);
  if (read.state === 'absent') return undefined;
  const entry = read.state === 'parsed' ? (read.value as Partial<CredentialIndexEntry> | null) : undefined;
  if (typeof entry?.format === 'number' && entry.format !== FORMAT) return undefined;
  if (entry && isEntry(entry)) return entry;
  const damage = read.state === 'damaged' ? read.damage : NOT_OURS;
  discardDamagedFile(path, 'credential index entry', damage, 'the next credential fetch notes it again', log);
  return undefined;
}

/** The entry for this identity of this configuration. */
export function readCredentialIndex(
  dirs: StateDirs,
  configFile: string,
  identity: string,
  log: Logger,
): CredentialIndexEntry | undefined {
  const entry = readEntry(credentialIndexPath(dirs, configFile, identity), log);
  return entry?.configFile === configFile && entry.identity === identity ? entry : undefined;
}

export function writeCredentialIndex(dirs: StateDirs, entry: Omit<CredentialIndexEntry, 'format'>): void {
  writeFileAtomic(
    credentialIndexPath(dirs, entry.configFile, entry.identity),
    JSON.stringify({ format: FORMAT, ...entry }),
  );
}

/** Every entry, for `list` (a few files: only identities used lately have one) and `logout`. */
export function allCredentialIndexes(dirs: StateDirs, log: Logger): { path: string; entry: CredentialIndexEntry }[] {
  let names: string[];
  try {
    names = readdirSync(indexDir(dirs)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(indexDir(dirs), name);
    const entry = readEntry(path, log);
    return entry ? [{ path, entry }] : [];
  });
}

export const removeCredentialIndex = (path: string): void => rmSync(path, { force: true });
