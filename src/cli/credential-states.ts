import type { Logger } from '../core/log.js';
import { allCredentialIndexes } from '../store/credential-index.js';
import type { StateDirs } from '../store/paths.js';
import type { Colors } from './render/colors.js';
import { formatRemaining } from './render/time.js';

/** Credentials with less than this left are shown as about to expire. */
const EXPIRING_WITHIN_MS = 15 * 60 * 1000;

export type CredentialState = 'valid' | 'expiring' | 'expired';

export interface CredentialStatus {
  state: CredentialState;
  /** Absent for long-lived keys. */
  expiresAt?: string;
}

/**
 * The state of each identity's cached credentials, by identity name, from the index alone (no secret
 * is read). Identities without cached credentials are absent.
 */
export function credentialStates(
  dirs: StateDirs,
  configFile: string,
  now: number,
  log: Logger,
): Map<string, CredentialStatus> {
  const latest = new Map<string, string | undefined>();
  for (const { entry } of allCredentialIndexes(dirs, log)) {
    if (entry.configFile !== configFile) continue;
    const known = latest.get(entry.name);
    const later = entry.expiration === undefined || (known !== undefined && known < entry.expiration);
    if (!latest.has(entry.name) || later) latest.set(entry.name, entry.expiration);
  }
  const states = new Map<string, CredentialStatus>();
  for (const [name, expiresAt] of latest) {
    const left = expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(expiresAt) - now;
    const state = left <= 0 ? 'expired' : left <= EXPIRING_WITHIN_MS ? 'expiring' : 'valid';
    states.set(name, { state, expiresAt });
  }
  return states;
}

/** `47m` in green, `12m` in yellow, `expired` in red, as Atmos marks them. */
export function formatCredentialStatus(status: CredentialStatus | undefined, c: Colors, now: number): string {
  if (!status) return '';
  if (status.expiresAt === undefined) return c.green('● keys');
  const text = `● ${formatRemaining(Date.parse(status.expiresAt) - now)}`;
  return status.state === 'valid' ? c.green(text) : status.state === 'expiring' ? c.yellow(text) : c.red(text);
}
