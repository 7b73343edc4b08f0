import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'vitest';

/** Runs a command under an unlocked gnome-keyring on the private session bus it is started in. */
export const withKeyring = join(resolve(import.meta.dirname, '..', '..'), 'scripts', 'with-keyring.sh');

/** What a test against a real Secret Service needs, or why it cannot run here. */
function keyringTools(): string | undefined {
  if (process.platform !== 'linux') return 'the Secret Service is Linux-only';
  if (!existsSync(withKeyring)) return `${withKeyring} is missing`;
  const found = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon']);
  if (found.status !== 0)
    return 'dbus-run-session or gnome-keyring-daemon is not installed (apt-get install -y gnome-keyring dbus dbus-x11)';
  return undefined;
}

export const keyringMissing = keyringTools();
const inCi = Boolean(process.env['CI']) && process.platform === 'linux';

/**
 * `describe` for tests against a real gnome-keyring: skipped, with the reason in its title, on a
 * machine without one; in CI a missing piece fails them instead.
 */
export function describeWithKeyring(title: string, body: () => void): void {
  const note = keyringMissing ? ` (${inCi ? 'failing in CI' : 'skipped'}: ${keyringMissing})` : '';
  (keyringMissing && !inCi ? describe.skip : describe)(`${title}${note}`, body);
}
