import { registerSecret } from '../../core/log.js';
import { isText, isTime } from '../../core/values.js';

/** AWS credentials as rolecall keeps and hands them out. Times are ISO 8601. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent for an IAM user's long-lived keys. */
  expiration?: string;
}

/** Role credentials as the cache keeps them: with when they were fetched and what was asked for. */
export interface CachedCredentials extends AwsCredentials {
  fetchedAt: string;
  /** The lifetime the configuration asked for, in seconds, when AWS gave a different one. */
  requestedSeconds?: number;
  /** Why the requested lifetime could not be had, for `whoami`. */
  durationNote?: string;
}

/** Cached credentials with less than this left are fetched again (the AWS SDKs refresh at 5-15 minutes). */
export const REUSE_WHILE_MS = 10 * 60 * 1000;

/** Secure store keys: role credentials by the fingerprint of their chain, an IAM user's keys by identity. */
export const credentialsKey = (fingerprint: string) => `credentials:${fingerprint}`;
export const userKeysKey = (identity: string) => `aws-user:${identity}`;
export const isUserKeysKey = (key: string) => key.startsWith('aws-user:');

const isOptionalTime = (value: unknown): boolean => value === undefined || isTime(value);

/** A stored record; a damaged one reads as absent, so the credentials are fetched again. */
export function parseCachedCredentials(text: string | undefined): CachedCredentials | undefined {
  let value: Partial<CachedCredentials> | undefined;
  try {
    value = text === undefined ? undefined : (JSON.parse(text) as Partial<CachedCredentials>);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || !isText(value.accessKeyId) || !isText(value.secretAccessKey))
    return undefined;
  if (!isOptionalTime(value.expiration) || !isTime(value.fetchedAt)) return undefined;
  if (value.sessionToken !== undefined && !isText(value.sessionToken)) return undefined;
  registerCredentials(value as AwsCredentials);
  return value as CachedCredentials;
}

/** Keeps every part of a credential out of the log. */
export function registerCredentials(credentials: AwsCredentials): void {
  registerSecret(credentials.secretAccessKey);
  if (credentials.sessionToken) registerSecret(credentials.sessionToken);
}

/** Milliseconds left; infinite for keys that do not expire. */
export const timeLeftMs = (credentials: AwsCredentials, now: number): number =>
  credentials.expiration === undefined ? Number.POSITIVE_INFINITY : Date.parse(credentials.expiration) - now;

/** An IAM user's access keys as the store keeps them. */
export function parseUserKeys(text: string | undefined): AwsCredentials | undefined {
  try {
    const value = text === undefined ? undefined : (JSON.parse(text) as Partial<AwsCredentials>);
    if (!isText(value?.accessKeyId) || !isText(value.secretAccessKey)) return undefined;
    const credentials = { accessKeyId: value.accessKeyId, secretAccessKey: value.secretAccessKey };
    registerCredentials(credentials);
    return credentials;
  } catch {
    return undefined;
  }
}
