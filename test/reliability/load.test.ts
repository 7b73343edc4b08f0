import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { opCount } from '../support/emulator.js';
import { FULL, recordFigures, scaled, timeLimit } from './scale.js';
import {
  ageSession,
  badEnding,
  closeWorlds,
  IDENTITY,
  listedIdentities,
  processCredentials,
  seeded,
  stateProblems,
  storedRoleCredentials,
  timed,
  totalRequests,
  type World,
  world,
} from './storm.js';

afterEach(closeWorlds);

/** Signs in (without discovery), then forgets the calls that took, so the counts that follow are the scenario's. */
async function signedIn(options: Parameters<typeof world>[0] = {}): Promise<World> {
  const signed = await world(options);
  const login = await signed.run(['login', '--use-device-code', '--no-provision']);
  expect(login.code, login.stderr).toBe(0);
  signed.emu.resetStats();
  return signed;
}

const credentialProcess = (w: World) => w.run(['credential-process', '--identity', IDENTITY]);

describe('load: many rolecall processes at once', () => {
  // The full pass repeats each crowd a few times, each round on a fresh emulator and sandbox.
  const rounds = scaled(1, 3);

  it(
    'answers 64 concurrent credential-process calls with a cold cache with one GetRoleCredentials',
    async () => {
      const processes = scaled(32, 64);
      const results: CliResult[] = [];
      const calls: number[] = [];
      let requests = 0;
      let passed = 0;
      let problems: string[] = [];
      const { ms } = await timed(async () => {
        for (let round = 0; round < rounds; round++) {
          const w = await signedIn();
          const crowd = await Promise.all(Array.from({ length: processes }, () => credentialProcess(w)));
          results.push(...crowd);
          calls.push(opCount(w.emu, 'GetRoleCredentials') + opCount(w.emu, 'CreateToken'));
          requests += totalRequests(w.emu);
          problems = [...problems, ...stateProblems(w.sandbox)];
          passed += crowd.filter((result) => result.code === 0 && result.stdout === crowd[0]!.stdout).length;
          await w.emu.close();
        }
      });

      recordFigures('load-credential-process-cold', {
        scenario: `${processes} concurrent credential-process, cold cache${rounds > 1 ? `, ${rounds} rounds` : ''}`,
        cases: processes * rounds,
        passed,
        requests,
        ms,
        notes: `AWS calls per round (GetRoleCredentials + CreateToken): ${calls.join(', ')}`,
      });
      for (const result of results) expect(badEnding(result, [0]), result.stderr).toBeUndefined();
      expect(passed).toBe(processes * rounds);
      processCredentials(results[0]!);
      // One GetRoleCredentials per round, and no session refresh.
      expect(calls).toEqual(Array(rounds).fill(1));
      expect(problems).toEqual([]);
    },
    timeLimit(120_000, 600_000),
  );

  it(
    'refreshes an expiring SSO session once for 64 concurrent credential-process calls',
    async () => {
      const processes = scaled(32, 64);
      const results: CliResult[] = [];
      const calls: string[] = [];
      let requests = 0;
      let passed = 0;
      let problems: string[] = [];
      const { ms } = await timed(async () => {
        for (let round = 0; round < rounds; round++) {
          // Tokens that live 5 minutes are inside the refresh window once they are more than a minute old.
          const w = await signedIn({ tokenTtl: 300 });
          ageSession(w.sandbox, 120);
          const crowd = await Promise.all(Array.from({ length: processes }, () => credentialProcess(w)));
          results.push(...crowd);
          calls.push(
            ['CreateToken', 'GetRoleCredentials', 'StartDeviceAuthorization']
              .map((operation) => `${operation} ${opCount(w.emu, operation)}`)
              .join(' '),
          );
          requests += totalRequests(w.emu);
          problems = [...problems, ...stateProblems(w.sandbox)];
          passed += crowd.filter((result) => result.code === 0 && result.stdout === crowd[0]!.stdout).length;
          await w.emu.close();
        }
      });

      recordFigures('load-credential-process-refresh', {
        scenario: `${processes} concurrent credential-process, SSO token to refresh${rounds > 1 ? `, ${rounds} rounds` : ''}`,
        cases: processes * rounds,
        passed,
        requests,
        ms,
        notes: `per round: ${[...new Set(calls)].join('; ')}`,
      });
      for (const result of results) expect(badEnding(result, [0]), result.stderr).toBeUndefined();
      expect(passed).toBe(processes * rounds);
      // One refresh (CreateToken) and one GetRoleCredentials per round, and no sign-in.
      expect(calls).toEqual(Array(rounds).fill('CreateToken 1 GetRoleCredentials 1 StartDeviceAuthorization 0'));
      expect(problems).toEqual([]);
    },
    timeLimit(120_000, 600_000),
  );

  it(
    'signs in once for 20 concurrent logins to one portal with no session',
    async () => {
      const processes = 20;
      const results: CliResult[] = [];
      const calls: string[] = [];
      const messages: string[] = [];
      let requests = 0;
      let problems: string[] = [];
      const { ms } = await timed(async () => {
        for (let round = 0; round < rounds; round++) {
          const w = await world();
          const crowd = await Promise.all(
            Array.from({ length: processes }, () => w.run(['login', '--use-device-code', '--no-provision'])),
          );
          results.push(...crowd);
          calls.push(
            ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken']
              .map((operation) => `${operation} ${opCount(w.emu, operation)}`)
              .join(' '),
          );
          requests += totalRequests(w.emu);
          problems = [...problems, ...stateProblems(w.sandbox)];
          const said = (text: string) => crowd.filter((result) => result.stderr.includes(text)).length;
          messages.push(
            `${said('✓ Logged in to sso-prod')} signed in, ${said('✓ Already logged in to sso-prod')} found the session`,
          );
          await w.emu.close();
        }
      });

      const passed = results.filter((result) => result.code === 0).length;
      recordFigures('load-login', {
        scenario: `${processes} concurrent logins, no session${rounds > 1 ? `, ${rounds} rounds` : ''}`,
        cases: processes * rounds,
        passed,
        requests,
        ms,
        notes: `per round: ${[...new Set(calls)].join('; ')}`,
      });
      for (const result of results) expect(badEnding(result, [0]), result.stderr).toBeUndefined();
      expect(passed).toBe(processes * rounds);
      expect(messages).toEqual(Array(rounds).fill(`1 signed in, ${processes - 1} found the session`));
      // One sign-in per round: one registration, one device authorization, one token.
      expect(calls).toEqual(Array(rounds).fill('RegisterClient 1 StartDeviceAuthorization 1 CreateToken 1'));
      expect(problems).toEqual([]);
    },
    timeLimit(60_000, 300_000),
  );

  it('fetches once when the process holding the credential lock is paused past the 5 s stale limit', async () => {
    // On a starved machine (64 processes on 2 cores) the process fetching the credentials can go
    // seconds without running; pausing it with SIGSTOP makes that happen on purpose. A live holder
    // keeps its lock: the other process waits for its answer instead of fetching a second time.
    const w = await signedIn();
    const PAUSE_MS = 8_000;
    w.emu.injectFault({ operation: 'GetRoleCredentials', latencyMs: 2_000, count: 1 });
    const { value: results, ms } = await timed(async () => {
      const holder = w.start(['credential-process', '--identity', IDENTITY]);
      while (opCount(w.emu, 'GetRoleCredentials') === 0) await sleep(10);
      holder.child.kill('SIGSTOP');
      const waiter = w.run(['credential-process', '--identity', IDENTITY]);
      await sleep(PAUSE_MS);
      holder.child.kill('SIGCONT');
      return Promise.all([holder.done, waiter]);
    });

    const [holder, waiter] = results;
    const calls = opCount(w.emu, 'GetRoleCredentials');
    recordFigures('load-paused-lock-holder', {
      scenario: `credential lock holder paused ${PAUSE_MS / 1000} s, a second process waiting`,
      cases: 2,
      passed: results.filter((result) => result.code === 0 && result.stdout === holder.stdout).length,
      requests: totalRequests(w.emu),
      ms,
      notes: `GetRoleCredentials: ${calls}`,
    });
    for (const result of results) expect(badEnding(result, [0]), result.stderr).toBeUndefined();
    expect(waiter.stdout).toBe(holder.stdout);
    expect(calls).toBe(1);
    expect(stateProblems(w.sandbox)).toEqual([]);
  }, 60_000);

  it(
    'survives a storm of login, logout, list, exec, credential-process and provision: no crash, torn file or orphaned lock',
    async () => {
      const seconds = scaled(8, 60);
      const workers = 6;
      const seed = 7;
      const w = await world();
      const first = await w.run(['login', '--use-device-code']);
      expect(first.code, first.stderr).toBe(0);
      const before = await listedIdentities(w);
      w.emu.resetStats();

      const commands: Record<string, string[]> = {
        login: ['login', '--use-device-code'],
        'login --force': ['login', '--use-device-code', '--force'],
        logout: ['logout'],
        list: ['list'],
        exec: ['exec', '--identity', IDENTITY, '--', process.execPath, '-e', '0'],
        'credential-process': ['credential-process', '--identity', IDENTITY],
        provision: ['provision'],
      };
      const names = Object.keys(commands);
      const random = seeded(seed);
      const outcomes: { command: string; result: CliResult }[] = [];
      const deadline = Date.now() + seconds * 1000;
      const worker = async (index: number) => {
        // Each worker starts with a different command, then picks at random.
        for (let round = 0; Date.now() < deadline; round++) {
          const command = round === 0 ? names[index % names.length]! : names[Math.floor(random() * names.length)]!;
          outcomes.push({ command, result: await w.run(commands[command]!) });
        }
      };
      const { ms } = await timed(() => Promise.all(Array.from({ length: workers }, (_, index) => worker(index))));

      const bad = outcomes.flatMap(({ command, result }) => {
        const problem = badEnding(result);
        return problem ? [`${command}: ${problem}\n${result.stderr}`] : [];
      });
      const problems = stateProblems(w.sandbox);
      const tally = new Map<string, number>();
      for (const { command, result } of outcomes) {
        const key = `${command}=${result.code}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      const requests = totalRequests(w.emu);

      // Afterwards the state is good for work: a login and a credential-process succeed, and the
      // identities listed are those of before the storm (no stale or half-read configuration).
      const login = await w.run(['login', '--use-device-code']);
      const credentials = await w.run(['credential-process', '--identity', IDENTITY]);
      const after = await listedIdentities(w).catch((error: Error) => [error.message]);

      recordFigures('load-mixed-storm', {
        scenario: `mixed storm, ${workers} workers for ${seconds} s (seed ${seed})`,
        cases: outcomes.length + 3,
        passed:
          outcomes.length -
          bad.length +
          (login.code === 0 ? 1 : 0) +
          (credentials.code === 0 ? 1 : 0) +
          (JSON.stringify(after) === JSON.stringify(before) ? 1 : 0),
        requests,
        ms,
        notes: [...tally].map(([key, count]) => `${key}: ${count}`).join(', ') + (FULL ? '' : ' (quick)'),
      });
      expect(bad).toEqual([]);
      expect(problems).toEqual([]);
      expect(outcomes.length).toBeGreaterThanOrEqual(workers);
      expect(login.code, login.stderr).toBe(0);
      expect(badEnding(credentials, [0]), credentials.stderr).toBeUndefined();
      processCredentials(credentials);
      expect(storedRoleCredentials(w.sandbox).length).toBeGreaterThan(0);
      expect(after).toEqual(before);
      expect(stateProblems(w.sandbox)).toEqual([]);
    },
    timeLimit(90_000, 300_000),
  );
});
