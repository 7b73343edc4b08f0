import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockPath } from '../../src/store/lock.js';
import { bundle, type NodeRun, run, tempDirs } from './helpers.js';

const worker = join(import.meta.dirname, 'lock-worker.mjs');
const NAME = 'portal:https://x.awsapps.com/start|us-east-1';

let lockBundle: Awaited<ReturnType<typeof bundle>>;
beforeAll(async () => {
  lockBundle = await bundle('src/store/lock.ts');
});
afterAll(() => lockBundle.remove());

describe('processes racing for one lock', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let work: string;
  beforeEach(() => {
    dirs = tempDirs();
    work = mkdtempSync(join(dirs.root, 'work-'));
    writeFileSync(join(work, 'token.json'), JSON.stringify({ expired: true, refreshes: 0 }));
  });
  afterEach(() => rmSync(dirs.root, { recursive: true, force: true }));

  const startWorker = (mode: string, onStdout?: (text: string) => void) =>
    run(process.execPath, [worker, lockBundle.path, dirs.state, NAME, mode, work], { limitMs: 60_000, onStdout });

  /** Starts `count` refreshing processes, lets them all go at once, and waits for them to finish. */
  async function race(count: number): Promise<NodeRun[]> {
    const runs = Array.from({ length: count }, () => startWorker('refresh').done);
    while (readdirSync(work).filter((name) => name.startsWith('ready-')).length < count) await sleep(10);
    writeFileSync(join(work, 'go'), '');
    return Promise.all(runs);
  }

  /** The journal as enter/leave pairs, each one process's, one pair at a time. */
  function turns(): { pid: string; enteredAt: number }[] {
    const lines = readFileSync(join(work, 'journal'), 'utf8').trim().split('\n');
    const entries: { pid: string; enteredAt: number }[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const [, pid = '', enteredAt = ''] = lines[i]!.split(' ');
      expect(lines[i + 1]).toBe(`leave ${pid}`);
      entries.push({ pid, enteredAt: Number(enteredAt) });
    }
    return entries;
  }

  it('lets 20 processes that need the same expired token refresh it once, one at a time', async () => {
    const results = await race(20);

    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, killed: false, stderr: '' });
    const outcomes = results.map((result) => result.stdout.trim()).sort();
    expect(outcomes).toEqual(['refreshed', ...Array(19).fill('reused')]);
    expect(JSON.parse(readFileSync(join(work, 'token.json'), 'utf8'))).toMatchObject({ expired: false, refreshes: 1 });
    expect(new Set(turns().map((turn) => turn.pid)).size).toBe(20);
    expect(readdirSync(join(dirs.state, 'locks'))).toEqual([]);
  });

  it('recovers the lock of a killed holder within seconds, with 20 processes waiting, and still refreshes once', async () => {
    let locked = (): void => undefined;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const holder = startWorker('hold', (text) => text.includes('locked') && locked());
    await holding;
    holder.kill('SIGKILL');
    expect((await holder.done).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    // The folder, and the note of who held it.
    const held = basename(lockPath(dirs, NAME));
    expect(readdirSync(join(dirs.state, 'locks')).sort()).toEqual([held, `${held}.owner`]);

    const results = await race(20);

    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, killed: false });
    expect(results.map((result) => result.stdout.trim()).sort()).toEqual(['refreshed', ...Array(19).fill('reused')]);
    expect(JSON.parse(readFileSync(join(work, 'token.json'), 'utf8'))).toMatchObject({ refreshes: 1 });
    const entries = turns();
    expect(new Set(entries.map((turn) => turn.pid)).size).toBe(20);
    const recoveredAfter = entries[0]!.enteredAt - killedAt;
    expect(recoveredAfter).toBeLessThan(15_000);
    // The one that took the lock over says so; the others found it free or waited their turn.
    const warned = results.filter((result) =>
      /^warning: The lock .* was left by rolecall process \d+, which ended holding it; took it over\.$/m.test(
        result.stderr,
      ),
    );
    expect(warned).toHaveLength(1);
    expect(results.filter((result) => result.stderr.includes('warning:'))).toHaveLength(1);
    console.info(`the lock of a killed holder was taken over ${recoveredAfter} ms after the kill`);
  }, 60_000);
});
