import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { registerSecret } from '../core/log.js';
import { type KeyringAgent, KeyringTimeout, startKeyringAgent } from './keyring-agent.js';
import type { SecureStore } from './secure-store.js';

export interface KeyringStoreOptions {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Bound on the probe and on every later keyring call. */
  timeoutMs: number;
  /** The store to use from the first keyring failure on; told why. */
  fallback: (reason: string) => SecureStore;
}

export type KeyringOpening = { store: SecureStore } | { unavailable: string; hangs: boolean };

/** An account no one stores: reading it proves the keyring answers, and leaves nothing behind. */
const PROBE_ACCOUNT = 'rolecall-probe';

/**
 * The OS keyring as a secure store, if it answers a probe in time. Where the Secret Service is reached
 * over D-Bus and there is no session bus to reach, it is not even tried: headless machines pay nothing.
 */
export async function openKeyringStore(options: KeyringStoreOptions): Promise<KeyringOpening> {
  if (!sessionBusMayExist(options.env, options.platform)) {
    return { unavailable: 'there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)', hangs: false };
  }
  const agent = startKeyringAgent(options.env, options.timeoutMs);
  try {
    await agent.call('get', PROBE_ACCOUNT);
  } catch (error) {
    return { unavailable: (error as Error).message, hangs: error instanceof KeyringTimeout };
  }
  return { store: keyringStore(agent, options.fallback) };
}

/** macOS and Windows keyrings need no bus; elsewhere libdbus finds the bus by these two means. */
function sessionBusMayExist(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  if (env['DBUS_SESSION_BUS_ADDRESS']) return true;
  const runtimeDir = env['XDG_RUNTIME_DIR'];
  return Boolean(runtimeDir) && existsSync(join(runtimeDir!, 'bus'));
}

/** Keyring entries, until the keyring first fails: from then on, the fallback store for this run. */
function keyringStore(agent: KeyringAgent, fallback: (reason: string) => SecureStore): SecureStore {
  let replacement: SecureStore | undefined;
  const viaKeyring = async <T>(call: () => Promise<T>, instead: (store: SecureStore) => Promise<T>): Promise<T> => {
    if (!replacement) {
      try {
        return await call();
      } catch (error) {
        replacement = fallback((error as Error).message);
      }
    }
    return instead(replacement);
  };
  return {
    get kind() {
      return replacement?.kind ?? 'system';
    },
    get: (key) =>
      viaKeyring(
        async () => {
          const value = await agent.call('get', key);
          if (value === null) return undefined;
          registerSecret(value);
          return value;
        },
        (store) => store.get(key),
      ),
    set: (key, value) => {
      registerSecret(value);
      return viaKeyring(
        async () => void (await agent.call('set', key, value)),
        (store) => store.set(key, value),
      );
    },
    delete: (key) =>
      viaKeyring(
        async () => void (await agent.call('delete', key)),
        (store) => store.delete(key),
      ),
  };
}
