import { registerSecret } from '../core/log.js';
import type { SecureStore } from './secure-store.js';

/** Secrets held in this process only: for tests, and for runs that must leave nothing behind. */
export function createMemoryStore(): SecureStore {
  const entries = new Map<string, string>();
  return {
    kind: 'memory',
    async get(key) {
      const value = entries.get(key);
      if (value !== undefined) registerSecret(value);
      return value;
    },
    async set(key, value) {
      registerSecret(value);
      entries.set(key, value);
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
