// Opens the secure store as rolecall does, uses it, and reports what happened as one JSON line on stdout.
// Usage: node store-worker.mjs <bundle of src/store/secure-store.ts> <state dir> <type> <timeout ms> [lock-keyring]
// It checks the keyring directly too (not through the store) while the store says it uses it.
// With lock-keyring, it locks the Secret Service's login collection once the store is open: the keyring
// then fails as one does mid-run (its unlock prompt cannot be shown on a machine without a display).
import { execFileSync } from 'node:child_process';

const [bundle, state, type, timeoutMs, mode] = process.argv.slice(2);
const { openSecureStore } = await import(bundle);

const logs = [];
const write = (prefix) => (message) => logs.push(`${prefix}${message}`);
const log = {
  level: 'debug',
  setLevel() {},
  enabled: () => true,
  debug: write('debug: '),
  info: write(''),
  warn: write('warning: '),
  error: write('error: '),
};
const dirs = { platform: process.platform, config: state, cache: state, state, data: state };
const key = `sso-token:${process.pid}`;
const value = JSON.stringify({ accessToken: `token-${process.pid}`, note: 'a line\nand another' });

const started = performance.now();
const store = await openSecureStore({ type, dirs, log, env: process.env, timeoutMs: Number(timeoutMs) });
const openMs = performance.now() - started;
const chosen = store.kind;
if (mode === 'lock-keyring') {
  execFileSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    'array:objpath:/org/freedesktop/secrets/collection/login',
  ]);
}

const readDirectly = async () => {
  if (store.kind !== 'system') return undefined;
  const { AsyncEntry } = await import('@napi-rs/keyring');
  return new AsyncEntry('rolecall', key, { linux: { store: 'secret-service' } }).getPassword();
};

await store.set(key, value);
const got = await store.get(key);
const direct = await readDirectly();
await store.delete(key);
await store.delete(key);
const afterDelete = await store.get(key);
const directAfterDelete = await readDirectly();

process.stdout.write(
  `${JSON.stringify({
    chosen,
    kindAtEnd: store.kind,
    openMs,
    logs,
    roundTrip: got === value,
    directMatches: direct === undefined ? undefined : direct === value,
    afterDelete: afterDelete ?? null,
    directAfterDelete,
  })}\n`,
);
