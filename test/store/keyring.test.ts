import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretsDir } from '../../src/store/file-store.js';
import { describeWithKeyring, keyringMissing, withKeyring } from '../support/keyring.js';
import { bundle, envWithoutBus, run, tempDirs } from './helpers.js';

const worker = join(import.meta.dirname, 'store-worker.mjs');

interface WorkerReport {
  chosen: string;
  kindAtEnd: string;
  openMs: number;
  logs: string[];
  roundTrip: boolean;
  directMatches?: boolean;
  afterDelete: string | null;
  directAfterDelete?: string | null;
}

const report = (stdout: string): WorkerReport => JSON.parse(stdout) as WorkerReport;

let storeBundle: Awaited<ReturnType<typeof bundle>>;
let dirs: ReturnType<typeof tempDirs>;
beforeAll(async () => {
  storeBundle = await bundle('src/store/secure-store.ts');
});
afterAll(() => storeBundle.remove());
beforeEach(() => {
  dirs = tempDirs();
});
afterEach(() => rmSync(dirs.root, { recursive: true, force: true }));

const runWorker = (type: string, env: NodeJS.ProcessEnv, timeoutMs = 3_000, mode = '') =>
  run(process.execPath, [worker, storeBundle.path, dirs.state, type, String(timeoutMs), mode], {
    env,
    limitMs: 20_000,
  }).done;

describe.runIf(process.platform === 'linux')('a D-Bus that accepts connections and never answers', () => {
  let bus: Server;
  let busPath: string;
  const held: Socket[] = [];
  beforeEach(async () => {
    busPath = join(dirs.root, 'bus');
    bus = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => bus.listen(busPath, resolve));
  });
  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await new Promise((resolve) => bus.close(resolve));
  });

  it('costs the system store one bounded wait, then a warning and the file store, and the process still exits', async () => {
    const result = await runWorker(
      'system',
      envWithoutBus({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}` }),
      1_000,
    );
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
    const outcome = report(result.stdout);
    expect(outcome).toMatchObject({ chosen: 'file', roundTrip: true, afterDelete: null });
    expect(outcome.openMs).toBeGreaterThanOrEqual(900);
    expect(outcome.openMs).toBeLessThan(5_000);
    expect(outcome.logs).toEqual([
      `warning: The system keyring is not available (the system keyring did not answer within 1000 ms); keeping secrets in files under ${secretsDir(dirs)} instead.`,
    ]);
  });

  it('makes auto choose the file store after the same bounded wait, warning since every run pays it', async () => {
    const result = await runWorker('auto', envWithoutBus({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}` }), 1_000);
    expect(result.killed).toBe(false);
    const outcome = report(result.stdout);
    expect(outcome.chosen).toBe('file');
    expect(outcome.logs).toEqual([
      `warning: The system keyring is not available (the system keyring did not answer within 1000 ms); keeping secrets in files under ${secretsDir(dirs)} instead.`,
    ]);
  });

  it('is not asked again under auto for a while once it has hung, so later runs pay nothing', async () => {
    const hanging = envWithoutBus({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}` });
    await runWorker('auto', hanging, 1_000);
    const again = report((await runWorker('auto', hanging, 1_000)).stdout);
    expect(again).toMatchObject({ chosen: 'file', roundTrip: true });
    expect(again.openMs).toBeLessThan(500);
    expect(again.logs).toEqual([
      expect.stringMatching(/^debug: secure store: file \(.*did not answer \d+ s ago and is not asked again/),
    ]);
    // Asked for by name, it is tried again.
    expect(report((await runWorker('system', hanging, 1_000)).stdout).openMs).toBeGreaterThanOrEqual(900);
  });
});

describe.runIf(process.platform === 'linux')('a process without a D-Bus session bus', () => {
  it('chooses the file store under auto without delay, and exits', async () => {
    const result = await runWorker('auto', envWithoutBus());
    expect(result).toMatchObject({ code: 0, killed: false });
    const outcome = report(result.stdout);
    expect(outcome).toMatchObject({ chosen: 'file', roundTrip: true });
    expect(outcome.openMs).toBeLessThan(1_000);
  });
});

describeWithKeyring('a real gnome-keyring Secret Service', () => {
  const underKeyring = (type: string, mode = '') => {
    if (keyringMissing) throw new Error(`cannot test against a real Secret Service: ${keyringMissing}`);
    const home = join(dirs.root, 'home');
    const runtime = join(dirs.root, 'runtime');
    mkdirSync(home);
    mkdirSync(runtime);
    const { XDG_DATA_HOME: _data, ...env } = envWithoutBus({ HOME: home, XDG_RUNTIME_DIR: runtime });
    return run(
      'dbus-run-session',
      ['--', 'bash', withKeyring, process.execPath, worker, storeBundle.path, dirs.state, type, '10000', mode],
      { env, limitMs: 25_000 },
    ).done;
  };

  it('keeps secrets in the keyring under system, and nothing in files', async () => {
    const result = await underKeyring('system');
    expect(result.code, result.stderr).toBe(0);
    expect(report(result.stdout)).toMatchObject({
      chosen: 'system',
      kindAtEnd: 'system',
      logs: ['debug: secure store: system keyring (auth.keyring.type is system; it answered a probe)'],
      roundTrip: true,
      directMatches: true,
      afterDelete: null,
      directAfterDelete: null,
    });
    expect(existsSync(secretsDir(dirs))).toBe(false);
  });

  it('is what auto chooses when it answers', async () => {
    const result = await underKeyring('auto');
    expect(result.code, result.stderr).toBe(0);
    const outcome = report(result.stdout);
    expect(outcome).toMatchObject({ chosen: 'system', roundTrip: true, directMatches: true });
    expect(outcome.logs).toEqual([
      'debug: secure store: system keyring (auth.keyring.type is auto; it answered a probe)',
    ]);
  });

  it('hands over to the file store, with a warning, when it fails after opening', async () => {
    const result = await underKeyring('system', 'lock-keyring');
    expect(result.code, result.stderr).toBe(0);
    const outcome = report(result.stdout);
    expect(outcome).toMatchObject({ chosen: 'system', kindAtEnd: 'file', roundTrip: true, afterDelete: null });
    expect(outcome.logs).toEqual([
      expect.stringMatching(/^debug: secure store: system keyring/),
      expect.stringMatching(/^warning: The system keyring failed \(.+\); keeping secrets in files under /),
    ]);
    expect(outcome.logs[1]).toContain(`under ${secretsDir(dirs)} instead.`);
    expect(readdirSync(secretsDir(dirs))).toEqual([]);
  });
});
