import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// Consonants only: a user code never spells a word, and never holds 0/O or 1/I to misread.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

const pick = (bytes: Buffer, alphabet: string): string => {
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
};

/** An unguessable opaque value, URL-safe. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** `XXXX-XXXX`, as the real device flow shows it. */
export const newUserCode = (): string => {
  const code = pick(randomBytes(8), USER_CODE_ALPHABET);
  return `${code.slice(0, 4)}-${code.slice(4)}`;
};

/** Temporary keys start with ASIA and are 20 characters long, as STS issues them. */
export const newAccessKeyId = (): string => `ASIA${pick(randomBytes(16), BASE32)}`;

export const newSecretAccessKey = (): string => randomBytes(30).toString('base64');

export const newSessionToken = (): string => `IQoJb3JpZ2luX2Vj${randomBytes(240).toString('base64')}`;

const digest = (seed: string): Buffer => createHash('sha256').update(seed).digest();

/** A stable hex string derived from `seed`, for identifiers that must not change between runs. */
export const stableHex = (seed: string, length: number): string => digest(seed).toString('hex').slice(0, length);

/** A stable IAM role id (`AROA` + 17 characters) derived from `seed`. */
export const stableRoleId = (seed: string): string => `AROA${pick(digest(seed), BASE32).slice(0, 17)}`;
