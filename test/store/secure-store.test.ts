import { existsSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, isRolecallError } from '../../src/core/errors.js';
import { redact } from '../../src/core/log.js';
import { secretsDir } from '../../src/store/file-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { type KeyringType, openSecureStore } from '../../src/store/secure-store.js';
import { capturingLogger, envWithoutBus, tempDirs } from './helpers.js';

describe('the memory store', () => {
  it('gives back what was stored, and nothing once deleted', async () => {
    const store = createMemoryStore();
    expect(store.kind).toBe('memory');
    await store.set('k', 'memory-secret-value');
    expect(await store.get('k')).toBe('memory-secret-value');
    await store.delete('k');
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    expect(redact('leaked memory-secret-value')).toBe('leaked [redacted]');
  });
});

describe('opening the secure store', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let log: ReturnType<typeof capturingLogger>;
  beforeEach(() => {
    dirs = tempDirs();
    log = capturingLogger();
  });
  afterEach(() => rmSync(dirs.root, { recursive: true, force: true }));

  const open = (type: KeyringType, env: NodeJS.ProcessEnv = envWithoutBus()) =>
    openSecureStore({ type, dirs, log, env });

  it('gives the file store when asked for files', async () => {
    const store = await open('file');
    expect(store.kind).toBe('file');
    await store.set('k', 'v');
    expect(existsSync(secretsDir(dirs))).toBe(true);
    expect(log.lines).toEqual(['debug: secure store: file (auth.keyring.type is file)']);
  });

  it('gives one memory store to the whole process when asked for memory', async () => {
    const first = await open('memory');
    await first.set('k', 'v');
    const second = await open('memory');
    expect(second.kind).toBe('memory');
    expect(await second.get('k')).toBe('v');
    expect(existsSync(dirs.state)).toBe(false);
  });

  it('lets ROLECALL_KEYRING override the configured type', async () => {
    const store = await open('system', envWithoutBus({ ROLECALL_KEYRING: 'memory' }));
    expect(store.kind).toBe('memory');
    expect(log.lines).toEqual(['debug: secure store: memory (ROLECALL_KEYRING is memory)']);
  });

  it('rejects an unknown ROLECALL_KEYRING as a usage error naming the variable and the choices', async () => {
    const error = await open('auto', envWithoutBus({ ROLECALL_KEYRING: 'vault' })).catch((caught: unknown) => caught);
    expect(isRolecallError(error)).toBe(true);
    expect(error).toMatchObject({ exitCode: ExitCode.usage, code: 'invalid-keyring-type' });
    expect((error as Error).message).toBe('ROLECALL_KEYRING must be one of auto, system, file, memory; it is "vault".');
  });

  it.runIf(process.platform === 'linux')(
    'chooses the file store at once under auto when there is no D-Bus session bus, saying why in one debug line',
    async () => {
      const started = performance.now();
      const store = await open('auto');
      const elapsed = performance.now() - started;
      expect(store.kind).toBe('file');
      expect(elapsed).toBeLessThan(1_000);
      expect(log.lines).toEqual([
        'debug: secure store: file (auth.keyring.type is auto; the system keyring is not available: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set))',
      ]);
    },
  );

  it.runIf(process.platform === 'linux')(
    'falls back to the file store with a warning when the system keyring is asked for but absent',
    async () => {
      const store = await open('system');
      expect(store.kind).toBe('file');
      expect(log.lines).toEqual([
        `warning: The system keyring is not available (there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)); keeping secrets in files under ${secretsDir(dirs)} instead.`,
      ]);
      await store.set('k', 'v');
      expect(await store.get('k')).toBe('v');
    },
  );

  it.runIf(process.platform === 'linux')(
    'falls back to the file store when the session bus named in the environment does not exist',
    async () => {
      const env = envWithoutBus({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${dirs.root}/no-such-bus` });
      const store = await openSecureStore({ type: 'system', dirs, log, env, timeoutMs: 10_000 });
      expect(store.kind).toBe('file');
      expect(log.lines).toEqual([
        expect.stringMatching(/^warning: The system keyring is not available \(.+\); keeping secrets in files under /),
      ]);
    },
  );
});
