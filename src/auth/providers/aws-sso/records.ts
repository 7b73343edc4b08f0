import { registerSecret } from '../../../core/log.js';
import { isText, isTime } from '../../../core/values.js';

/**
 * An SSO session as the store keeps it: the access token, and what refreshing it needs. Times are ISO
 * 8601 strings, as in the AWS CLI's cache.
 */
export interface SsoSession {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  /** When rolecall stored this session (a sign-in, a refresh, an AWS CLI token taken over). */
  issuedAt?: string;
}

/** An OIDC client registration, reused until it expires. */
export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  expiresAt: string;
  flow: 'device' | 'pkce';
}

const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/**
 * Reads a stored record; a damaged one (truncated, edited, from another version) reads as undefined,
 * so that the caller logs in again instead of failing.
 */
export function parseSession(text: string | undefined): SsoSession | undefined {
  const value = safeJson(text) as Partial<SsoSession> | undefined;
  if (
    !value ||
    !isText(value.startUrl) ||
    !isText(value.region) ||
    !isText(value.accessToken) ||
    !isTime(value.expiresAt)
  ) {
    return undefined;
  }
  if (![value.refreshToken, value.clientId, value.clientSecret, value.registrationExpiresAt].every(isOptionalString))
    return undefined;
  for (const secret of [value.accessToken, value.refreshToken, value.clientSecret]) if (secret) registerSecret(secret);
  return value as SsoSession;
}

export function parseRegistration(text: string | undefined): ClientRegistration | undefined {
  const value = safeJson(text) as Partial<ClientRegistration> | undefined;
  if (!value || !isText(value.clientId) || !isText(value.clientSecret) || !isTime(value.expiresAt)) return undefined;
  if (value.flow !== 'device' && value.flow !== 'pkce') return undefined;
  registerSecret(value.clientSecret);
  return value as ClientRegistration;
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Milliseconds left before a time, negative once it has passed. */
export const remainingMs = (iso: string, now: number): number => Date.parse(iso) - now;
