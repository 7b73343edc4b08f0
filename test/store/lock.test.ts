import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRolecallError } from '../../src/core/errors.js';
import { redact } from '../../src/core/log.js';
import { lockPath, withLock } from '../../src/store/lock.js';
import { tempDirs } from './helpers.js';

describe('a lock', () => {
  let dirs: ReturnType<typeof tempDirs>;
  beforeEach(() => {
    dirs = tempDirs();
  });
  afterEach(() => rmSync(dirs.root, { recursive: true, force: true }));

  it('runs the work and gives back its result, leaving no lock behind', async () => {
    expect(await withLock(dirs, 'portal:a', async () => 42)).toBe(42);
    expect(readdirSync(join(dirs.state, 'locks'))).toEqual([]);
  });

  it('is released when the work fails', async () => {
    await expect(withLock(dirs, 'portal:a', () => Promise.reject(new Error('login failed')))).rejects.toThrow(
      'login failed',
    );
    expect(await withLock(dirs, 'portal:a', async () => 'again', { waitMs: 100 })).toBe('again');
  });

  it.skipIf(process.platform === 'win32')('lives in a private folder', async () => {
    await withLock(dirs, 'portal:a', async () => {
      expect(existsSync(lockPath(dirs, 'portal:a'))).toBe(true);
    });
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
    const first = withLock(dirs, 'portal:a', async () => {
      events.push('first in');
      await sleep(200);
      events.push('first out');
    });
    await sleep(20);
    const second = withLock(dirs, 'portal:a', async () => {
      events.push('second in');
    });
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
      { staleMs: 2_000 },
    );
    await sleep(50);
    const second = withLock(dirs, 'portal:a', async () => events.push('second in'), { staleMs: 2_000 });
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('gives up waiting after waitMs with an error that says what to do', async () => {
    let release = (): void => undefined;
    const holder = withLock(dirs, 'portal:a', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    const error = await withLock(dirs, 'portal:a', async () => 'never', { waitMs: 300 }).catch(
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
});
