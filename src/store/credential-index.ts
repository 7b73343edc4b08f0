import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
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

export const credentialIndexPath = (dirs: StateDirs, configFile: string, identity: string): string =>
  join(indexDir(dirs), `${createHash('sha256').update(`${configFile}\0${identity}`).digest('hex').slice(0, 24)}.json`);

function parse(text: string): CredentialIndexEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<CredentialIndexEntry> | null;
    const valid =
      entry?.format === FORMAT &&
      typeof entry.configFile === 'string' &&
      typeof entry.identity === 'string' &&
      typeof entry.name === 'string' &&
      (entry.store === 'file' || entry.store === 'system') &&
      typeof entry.storeKey === 'string' &&
      Array.isArray(entry.chainKeys) &&
      (entry.expiration === undefined || typeof entry.expiration === 'string') &&
      typeof entry.env === 'object' &&
      entry.env !== null;
    return valid ? (entry as CredentialIndexEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** The entry for this identity of this configuration; a damaged one reads as absent. */
export function readCredentialIndex(
  dirs: StateDirs,
  configFile: string,
  identity: string,
): CredentialIndexEntry | undefined {
  let text: string;
  try {
    // O_NOFOLLOW: an entry replaced by a symbolic link is not read through.
    const fd = openSync(
      credentialIndexPath(dirs, configFile, identity),
      constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0),
    );
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const entry = parse(text);
  return entry?.configFile === configFile && entry.identity === identity ? entry : undefined;
}

export function writeCredentialIndex(dirs: StateDirs, entry: Omit<CredentialIndexEntry, 'format'>): void {
  writeFileAtomic(
    credentialIndexPath(dirs, entry.configFile, entry.identity),
    JSON.stringify({ format: FORMAT, ...entry }),
  );
}

/** Every entry, for `list` (a few files: only identities used lately have one) and `logout`. */
export function allCredentialIndexes(dirs: StateDirs): { path: string; entry: CredentialIndexEntry }[] {
  let names: string[];
  try {
    names = readdirSync(indexDir(dirs)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(indexDir(dirs), name);
    try {
      const entry = parse(readFileSync(path, 'utf8'));
      return entry ? [{ path, entry }] : [];
    } catch {
      return [];
    }
  });
}

export const removeCredentialIndex = (path: string): void => rmSync(path, { force: true });
