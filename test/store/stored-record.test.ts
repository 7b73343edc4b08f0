import { describe, expect, it } from 'vitest';
import { parseSession } from '../../src/auth/providers/aws-sso/records.js';
import { createLogger } from '../../src/core/log.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { SecureStore } from '../../src/store/secure-store.js';
import { readStoredRecord } from '../../src/store/stored-record.js';

const SESSION = JSON.stringify({
  startUrl: 'https://x.awsapps.com/start',
  region: 'us-east-1',
  accessToken: 'token-of-the-session',
  expiresAt: '2030-01-01T00:00:00Z',
});

function reading(store: SecureStore) {
  const heard: string[] = [];
  const log = createLogger('warn', { write: (line: string) => heard.push(line) });
  const read = () =>
    readStoredRecord(store, 'sso-session:x', parseSession, { log, what: 'SSO session', instead: 'signing in again' });
  return { heard, read };
}

describe('a record read from the secure store', () => {
  it('is read as it is when whole, and absent without a word when there is none', async () => {
    const store = createMemoryStore();
    const { heard, read } = reading(store);
    expect(await read()).toBeUndefined();
    await store.set('sso-session:x', SESSION);
    expect(await read()).toMatchObject({ accessToken: 'token-of-the-session' });
    expect(heard).toEqual([]);
  });

  it.each([
    ['', 'it is empty'],
    [SESSION.slice(0, 40), 'it is not valid JSON: cut short or overwritten'],
    ['{"startUrl":1}', 'it is not what rolecall writes'],
  ])('is reported once and removed when damaged (%j)', async (text, damage) => {
    const store = createMemoryStore();
    await store.set('sso-session:x', text);
    const { heard, read } = reading(store);
    expect(await read()).toBeUndefined();
    expect(await read()).toBeUndefined();
    expect(heard).toEqual([`warning: The stored SSO session was damaged (${damage}); removed it, signing in again.\n`]);
    expect(await store.get('sso-session:x')).toBeUndefined();
  });

  it('keeps a whole record another process wrote in place of the damaged one meanwhile', async () => {
    const store = createMemoryStore();
    await store.set('sso-session:x', '{"cut');
    let reads = 0;
    const racing: SecureStore = {
      ...store,
      async get(key) {
        // The second look, just before removing, finds the other process's record.
        if (++reads === 2) await store.set(key, SESSION);
        return store.get(key);
      },
    };
    const { read } = reading(racing);
    expect(await read()).toBeUndefined();
    expect(await store.get('sso-session:x')).toBe(SESSION);
  });
});
