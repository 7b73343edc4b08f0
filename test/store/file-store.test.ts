import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRolecallError } from '../../src/core/errors.js';
import { redact } from '../../src/core/log.js';
import { createFileStore, secretFilePath, secretsDir } from '../../src/store/file-store.js';
import { capturingLogger, tempDirs } from './helpers.js';

const mode = (path: string): number => statSync(path).mode & 0o777;
const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('the file store', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let log: ReturnType<typeof capturingLogger>;
  beforeEach(() => {
    dirs = tempDirs();
    log = capturingLogger();
  });
  afterEach(() => rmSync(dirs.root, { recursive: true, force: true }));

  it('gives back what was stored, and nothing once deleted', async () => {
    const store = createFileStore(dirs, log);
    expect(store.kind).toBe('file');
    expect(await store.get('sso-token:a')).toBeUndefined();
    await store.set('sso-token:a', '{"accessToken":"one"}');
    await store.set('sso-token:b', '{"accessToken":"two"}');
    await store.set('sso-token:a', '{"accessToken":"three"}');
    expect(await store.get('sso-token:a')).toBe('{"accessToken":"three"}');
    expect(await store.get('sso-token:b')).toBe('{"accessToken":"two"}');
    await store.delete('sso-token:a');
    await store.delete('sso-token:a');
    expect(await store.get('sso-token:a')).toBeUndefined();
    expect(log.lines).toEqual([]);
  });

  it('keeps each value in its own file, named by a hash of the key, under the state folder', async () => {
    await createFileStore(dirs, log).set('portal:https://x.awsapps.com/start|us-east-1', 'value');
    const [name, ...others] = readdirSync(secretsDir(dirs));
    expect(others).toEqual([]);
    expect(name).toMatch(/^[0-9a-f]{24}$/);
    expect(secretsDir(dirs)).toBe(join(dirs.state, 'secrets'));
    expect(readFileSync(join(secretsDir(dirs), name!), 'utf8')).toBe('value');
  });

  posixOnly('writes files 0600 in a folder 0700, leaving no temporary file behind', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', 'v1');
    await store.set('k', 'v2');
    expect(mode(secretsDir(dirs))).toBe(0o700);
    expect(mode(secretFilePath(dirs, 'k'))).toBe(0o600);
    expect(readdirSync(secretsDir(dirs))).toHaveLength(1);
  });

  it('hides the values it reads and writes from the logs', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', 'written-secret-value');
    writeFileSync(secretFilePath(dirs, 'other'), 'secret-only-ever-read', { mode: 0o600 });
    await store.get('other');
    expect(redact('a written-secret-value and a secret-only-ever-read')).toBe('a [redacted] and a [redacted]');
  });

  it('refuses to write through a symlink planted where a value goes', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', 'first');
    const elsewhere = join(dirs.root, 'attacker-readable');
    writeFileSync(elsewhere, 'untouched');
    const entry = secretFilePath(dirs, 'planted');
    symlinkSync(elsewhere, entry);

    const error = await store.set('planted', 'secret').catch((caught: unknown) => caught);
    expect(isRolecallError(error) && error.code).toBe('symlink-refused');
    expect(readFileSync(elsewhere, 'utf8')).toBe('untouched');
  });

  it('refuses a symlink planted in place of its folder', async () => {
    const elsewhere = join(dirs.root, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(dirs.state, { recursive: true });
    symlinkSync(elsewhere, secretsDir(dirs));
    const store = createFileStore(dirs, log);

    await expect(store.set('k', 'secret')).rejects.toMatchObject({ code: 'symlink-refused' });
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(await store.get('k')).toBeUndefined();
    expect(log.lines).toEqual([expect.stringMatching(/^warning: Ignoring .*secrets: it is not a folder/)]);
  });

  it('does not read a value through a symlink, and says so once', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', 'mine');
    const elsewhere = join(dirs.root, 'planted-token');
    writeFileSync(elsewhere, 'someone else’s token');
    symlinkSync(elsewhere, secretFilePath(dirs, 'planted'));

    expect(await store.get('planted')).toBeUndefined();
    expect(await store.get('planted')).toBeUndefined();
    expect(log.lines).toEqual([
      expect.stringMatching(/^warning: Ignoring the stored secret .*: it is a symbolic link\.$/),
    ]);
  });

  it('treats an entry that is not a file as absent, warning once', async () => {
    const store = createFileStore(dirs, log);
    await store.set('other', 'fine');
    mkdirSync(secretFilePath(dirs, 'damaged'));

    expect(await store.get('damaged')).toBeUndefined();
    expect(await store.get('damaged')).toBeUndefined();
    expect(await store.get('other')).toBe('fine');
    expect(log.lines).toEqual([
      expect.stringMatching(/^warning: Ignoring the stored secret .*: it is not a regular file\.$/),
    ]);
  });

  it('cannot store over an entry damaged into a folder, says where, and can delete it', async () => {
    const store = createFileStore(dirs, log);
    const entry = secretFilePath(dirs, 'damaged');
    mkdirSync(join(entry, 'inside'), { recursive: true });

    await expect(store.set('damaged', 'v')).rejects.toMatchObject({
      code: 'secret-write-failed',
      message: expect.stringContaining(entry),
    });
    await store.delete('damaged');
    await store.set('damaged', 'v');
    expect(await store.get('damaged')).toBe('v');
  });

  it('returns damaged content as it is: making sense of it is the caller’s job', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', '{"accessToken":');
    expect(await store.get('k')).toBe('{"accessToken":');
  });

  posixOnly('makes a folder that other users can open private again, with a warning', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', 'v');
    chmodSync(secretsDir(dirs), 0o755);

    expect(await store.get('k')).toBe('v');
    expect(mode(secretsDir(dirs))).toBe(0o700);
    expect(log.lines).toEqual([
      `warning: ${secretsDir(dirs)} was open to other users (mode 0755); made it private (0700).`,
    ]);
  });

  posixOnly('makes a file that other users can read private again, with a warning', async () => {
    const store = createFileStore(dirs, log);
    await store.set('k', 'v');
    chmodSync(secretFilePath(dirs, 'k'), 0o644);

    expect(await store.get('k')).toBe('v');
    expect(mode(secretFilePath(dirs, 'k'))).toBe(0o600);
    expect(log.lines).toEqual([
      `warning: ${secretFilePath(dirs, 'k')} was readable by other users (mode 0644); made it private (0600).`,
    ]);
  });

  posixOnly('narrows a too-open folder before writing into it', async () => {
    mkdirSync(secretsDir(dirs), { recursive: true, mode: 0o777 });
    chmodSync(secretsDir(dirs), 0o777);
    await createFileStore(dirs, log).set('k', 'v');
    expect(mode(secretsDir(dirs))).toBe(0o700);
    expect(log.lines).toHaveLength(1);
  });

  it('reads nothing, and creates nothing, before the first write', async () => {
    expect(await createFileStore(dirs, log).get('k')).toBeUndefined();
    await createFileStore(dirs, log).delete('k');
    expect(existsSync(dirs.state)).toBe(false);
  });
});
