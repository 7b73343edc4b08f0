import {
  type DiscoveredAccount,
  type DiscoveryProgress,
  type DiscoveryTuning,
  discoverAssignments,
} from '../../src/auth/providers/aws-sso/discovery.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { EmulatorOptions, Org } from '../../src/emulator/index.js';
import { emulatorFor, REGION, signIn } from '../emulator/helpers.js';

export interface DiscoverOptions {
  signal?: AbortSignal;
  tuning?: DiscoveryTuning;
  onProgress?: (progress: DiscoveryProgress) => void;
  log?: Logger;
}

/** A debug-level logger (so debug lines are built and redacted) that keeps what it writes. */
export function recordingLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', { write: (text: string) => lines.push(text) }) };
}

/** Discovery against the portal at `env`. */
export function discoverWith(accessToken: string, env: NodeJS.ProcessEnv, options: DiscoverOptions = {}) {
  return discoverAssignments({ accessToken, region: REGION, env, log: recordingLogger().log, ...options });
}

/** An emulator (closed after the test) with a signed-in user, and discovery against it. */
export async function signedIn(options: EmulatorOptions = {}) {
  const emu = await emulatorFor({ autoApprove: true, ...options });
  const { accessToken = '' } = await signIn(emu);
  return { emu, accessToken, discover: (extra: DiscoverOptions = {}) => discoverWith(accessToken, emu.env, extra) };
}

/** What discovery of `org` finds when all goes well: every account, its roles sorted, by id. */
export const everyAssignment = (org: Org): DiscoveredAccount[] =>
  org.accounts
    .map(({ id, name, email, roles }) => ({ id, name, email, roles: roles.map((role) => role.name).sort() }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));

/** Quick retries for tests that inject transient failures: the same bounds, shorter waits. */
export const quickRetries: DiscoveryTuning = {
  retry: { transientBackoff: { baseMs: 20, capMs: 200 }, throttleBackoff: { baseMs: 20, capMs: 500 } },
};

/** For tests about what is found rather than how fast: a limiter that starts fast instead of at 20/s. */
export const unpaced: DiscoveryTuning = { rate: { initial: 1000 } };
