import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRolecallError } from '../../src/core/errors.js';
import { createLogger, redact } from '../../src/core/log.js';
import { lockPath, withLock } from '../../src/store/lock.js';
import { tempDirs } from './helpers.js';

describe('a lock', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let warnings: string[];
  const log = createLogger('warn', { write: (line: string) => warnings.push(line) });
  beforeEach(() => {
    dirs = tempDirs();
    warnings = [];
  });
  afterEach(() => {
    rmSync(dirs.root, { recursive: true, force: true });
    // Taking turns is normal: only a lock left behind or damaged is worth a warning.
    expect(warnings).toEqual([]);
  });

  it('runs the work and gives back its result, leaving no lock behind', async () => {
    expect(await withLock(dirs, 'portal:a', async () => 42, { log })).toBe(42);
    expect(readdirSync(join(dirs.state, 'locks'))).toEqual([]);
  });

  it('is released when the work fails', async () => {
    await expect(withLock(dirs, 'portal:a', () => Promise.reject(new Error('login failed')), { log })).rejects.toThrow(
      'login failed',
    );
    expect(await withLock(dirs, 'portal:a', async () => 'again', { log, waitMs: 100 })).toBe('again');
  });

  it.skipIf(process.platform === 'win32')('lives in a private folder', async () => {
    await withLock(
      dirs,
      'portal:a',
      async () => {
        expect(existsSync(lockPath(dirs, 'portal:a'))).toBe(true);
      },
      { log },
    );
    expect(statSync(join(dirs.state, 'locks')).mode & 0o777).toBe(0o700);
  });

  it.each([
    'portal:https://x.awsapps.com/start|us-east-1',
    '../../../etc/passwd',
    '..',
    '.',
    'line one\nline two',
    'C:\\Windows\\system32',
    'con',
    'x'.repeat(500),
  ])('turns the name %j into one safe file name in the locks folder', (name) => {
    const path = lockPath(dirs, name);
    expect(dirname(path)).toBe(join(dirs.state, 'locks'));
    expect(basename(path)).toMatch(/^[A-Za-z0-9.-]{1,80}\.lock$/);
    expect(basename(path)).not.toMatch(/^\.\.?$/);
    expect(redact(path)).toBe(path);
  });

  it('gives names that differ only in unsafe characters separate locks', () => {
    const paths = ['a/b', 'a\\b', 'a b', 'a\nb', 'a..b'].map((name) => lockPath(dirs, name));
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('makes a second taker wait until the first is done, even in one process', async () => {
    const events: string[] = [];
    const first = withLock(
      dirs,
      'portal:a',
      async () => {
        events.push('first in');
        await sleep(200);
        events.push('first out');
      },
      { log },
    );
    await sleep(20);
    const second = withLock(
      dirs,
      'portal:a',
      async () => {
        events.push('second in');
      },
      { log },
    );
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('keeps a holder that works longer than the stale limit, such as a person logging in', async () => {
    const events: string[] = [];
    const first = withLock(
      dirs,
      'portal:a',
      async () => {
        events.push('first in');
        await sleep(3_000);
        events.push('first out');
      },
      { log, staleMs: 2_000 },
    );
    await sleep(50);
    const second = withLock(dirs, 'portal:a', async () => events.push('second in'), { log, staleMs: 2_000 });
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('gives up waiting after waitMs with an error that says what to do', async () => {
    let release = (): void => undefined;
    const holder = withLock(dirs, 'portal:a', () => new Promise<void>((resolve) => (release = resolve)), { log });
    await sleep(20);
    const error = await withLock(dirs, 'portal:a', async () => 'never', { log, waitMs: 300 }).catch(
      (caught: unknown) => caught,
    );
    release();
    await holder;
    expect(isRolecallError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'lock-timeout',
      message: 'Gave up after 300 ms waiting for another rolecall process to finish (lock "portal:a").',
      hint: `If no other rolecall process is running, remove ${lockPath(dirs, 'portal:a')} and try again.`,
    });
  });

  describe('left behind or damaged', () => {
    const heard: string[] = [];
    const witness = createLogger('warn', { write: (line: string) => heard.push(line) });
    beforeEach(() => {
      heard.length = 0;
      mkdirSync(join(dirs.state, 'locks'), { recursive: true });
    });

    it('is taken over at once from a holder that died, which one warning names', async () => {
      const path = lockPath(dirs, 'portal:a');
      mkdirSync(path);
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const { ino, birthtimeMs } = statSync(path);
      writeFileSync(`${path}.owner`, JSON.stringify({ pid: dead, host: hostname(), folder: `${ino}:${birthtimeMs}` }));

      expect(await withLock(dirs, 'portal:a', async () => 'mine', { log: witness, waitMs: 1_000 })).toBe('mine');
      expect(heard).toEqual([
        `warning: The lock ${path} was left by rolecall process ${dead}, which ended holding it; took it over.\n`,
      ]);
      expect(readdirSync(join(dirs.state, 'locks'))).toEqual([]);
    });

    it('replaces a file found where the lock folder goes, and says so', async () => {
      const path = lockPath(dirs, 'portal:a');
      writeFileSync(path, 'garbage');

      expect(await withLock(dirs, 'portal:a', async () => 'mine', { log: witness, waitMs: 1_000 })).toBe('mine');
      expect(heard).toEqual([
        `warning: A file was in place of the lock folder ${path} (damaged, or another program's); removed it.\n`,
      ]);
    });
  });
});
