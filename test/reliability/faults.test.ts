import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmulatorOptions, generateOrg, type Org, sampleOrg } from '../../src/emulator/index.js';
import { type CliResult, repoRoot } from '../support/cli.js';
import { opCount } from '../support/emulator.js';
import { FULL, scaled, timeLimit } from './scale.js';
import {
  ageSession,
  badEnding,
  Cases,
  closeWorlds,
  IDENTITY,
  indexFolder,
  listedIdentities,
  processCredentials,
  provisionedContent,
  stateProblems,
  storedRecords,
  storedRoleCredentials,
  timed,
  type World,
  world,
} from './storm.js';

// The scenarios run concurrently and close their own worlds; this catches those a failed setup left open.
afterAll(closeWorlds);

/**
 * The documented bounds a run must stay within (docs/discovery.md, src/auth/providers/aws-sso/portal.ts):
 * an attempt gets an answer within 30 s (after a 5 s connect), the SDK clients make 3 (SSO OIDC) or 4
 * (portal) attempts with back-offs of at most 20 s, discovery 4 attempts on transient failures.
 * Starting Node and the CLI on a busy machine gets a generous allowance of its own.
 */
const ATTEMPT_MS = 30_000 + 5_000;
const SDK_BACKOFF_MS = 20_000;
const PROCESS_MS = 15_000;
const sdkBound = (attempts: number) => attempts * ATTEMPT_MS + (attempts - 1) * SDK_BACKOFF_MS + PROCESS_MS;

/** A world with a session and nothing else: no discovery yet, stats zeroed. */
async function signedIn(cases: Cases, options: EmulatorOptions = {}): Promise<World> {
  const w = await cases.world(options);
  const login = await w.run(['login', '--use-device-code', '--no-provision']);
  expect(login.code, login.stderr).toBe(0);
  w.emu.resetStats();
  return w;
}

/** A world that has logged in and provisioned once, fault-free. */
async function provisioned(cases: Cases, options: EmulatorOptions = {}): Promise<World> {
  const w = await cases.world(options);
  const login = await w.run(['login', '--use-device-code']);
  expect(login.code, login.stderr).toBe(0);
  expect(login.stderr).toContain('✓ Provisioned');
  w.emu.resetStats();
  return w;
}

/** The organisation most scenarios discover: the sample one in the quick pass, a larger one in the full pass. */
const ORG: Org = FULL ? generateOrg(150, 3) : sampleOrg();

/** ListAccounts pages of a fault-free discovery of ORG (100 accounts a page). */
const ACCOUNT_PAGES = Math.ceil(ORG.accounts.length / 100);

interface CalmRun {
  file: string;
  identities: string[];
}

let calm: Promise<CalmRun> | undefined;

/** What a fault-free run provisions from ORG: the file (time stamp aside) and the list. Made once, shared. */
function calmRun(): Promise<CalmRun> {
  calm ??= (async () => {
    const w = await world({ org: ORG });
    try {
      const login = await w.run(['login', '--use-device-code']);
      expect(login.code, login.stderr).toBe(0);
      return { file: provisionedContent(w.sandbox), identities: await listedIdentities(w) };
    } finally {
      await w.emu.close();
    }
  })();
  return calm;
}

/** A failure that is one clear error: the exit code, one `error:` line, a `hint:` line, no stack trace. */
function expectOneClearError(result: CliResult, exitCode: number, message: RegExp): void {
  expect(badEnding(result, [exitCode]), result.stderr).toBeUndefined();
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^hint: \S/m);
  expect(result.stdout).toBe('');
}

/** Nothing half-done in the cache: no role credentials stored or indexed for the identity, every file whole. */
function expectNothingCached(w: World): void {
  expect(storedRoleCredentials(w.sandbox)).toEqual([]);
  expect(existsSync(indexFolder(w.sandbox)) ? readdirSync(indexFolder(w.sandbox)) : []).toEqual([]);
  expect(stateProblems(w.sandbox)).toEqual([]);
}

const credentialProcess = (w: World) => w.background(['credential-process', '--identity', IDENTITY]);

/**
 * A logout whose call to AWS failed: exit 0 with a warning, and the local clean-up done all the same
 * (session, cached credentials and provisioned file gone), so that credential-process asks for a login.
 */
async function expectLocalLogout(w: World, logout: CliResult): Promise<void> {
  expect(badEnding(logout, [0]), logout.stderr).toBeUndefined();
  expect(logout.stderr).toMatch(/^warning: could not end the session at AWS/m);
  expect(storedRecords(w.sandbox).filter((record) => 'accessToken' in record)).toEqual([]);
  expect(existsSync(w.sandbox.path(w.sandbox.provisionedFile('sso-prod')))).toBe(false);
  expect(stateProblems(w.sandbox)).toEqual([]);
  expectOneClearError(await credentialProcess(w), 3, /^error: /m);
}

// Each scenario has its own emulators and sandboxes, so they run side by side (the quick pass stays short).
describe.concurrent('faults injected through the emulator', () => {
  it(
    'provisions the same identities through 429 storms during discovery as in a calm run',
    async () => {
      const cases = new Cases();
      const org = ORG;
      const calm = await calmRun();
      const rateLimit = scaled(5, 10);
      // A storm a request rides out within its 12 attempts, and (full pass) one that outlasts them.
      const stormSeconds = FULL ? [3, 30] : [3];

      await Promise.all([
        cases.run(`emulator rate limit of ${rateLimit} requests/s`, async () => {
          const w = await cases.world({ org, rateLimit });
          const { value: login, ms } = await timed(() => w.run(['login', '--use-device-code']));
          cases.note(`rate limit ${rateLimit}/s: ${w.emu.stats().throttled} throttled, ${ms} ms`);
          expect(badEnding(login, [0]), login.stderr).toBeUndefined();
          expect(login.stderr, login.stderr).not.toContain('failed');
          expect(w.emu.stats().throttled).toBeGreaterThan(0);
          expect(provisionedContent(w.sandbox)).toBe(calm.file);
          expect(await listedIdentities(w)).toEqual(calm.identities);
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
        cases.run('injected 429 bursts on ListAccounts and ListAccountRoles', async () => {
          const w = await cases.world({ org });
          // A listing may be throttled up to 11 times in a row and still get its answer at the 12th attempt.
          w.emu.injectFault({ operation: 'ListAccounts', error: 'TooManyRequestsException', count: 5 });
          w.emu.injectFault({
            operation: 'ListAccountRoles',
            error: 'TooManyRequestsException',
            count: scaled(10, 40),
          });
          const { value: login, ms } = await timed(() => w.run(['login', '--use-device-code']));
          cases.note(`429 bursts: ${ms} ms`);
          expect(badEnding(login, [0]), login.stderr).toBeUndefined();
          expect(login.stderr, login.stderr).not.toContain('failed');
          expect(w.emu.faults()).toEqual([]);
          expect(provisionedContent(w.sandbox)).toBe(calm.file);
          expect(await listedIdentities(w)).toEqual(calm.identities);
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
        ...stormSeconds.map((seconds) =>
          cases.run(`a storm: every portal listing answered 429 for ${seconds} s`, async () => {
            const w = await provisioned(cases, { org });
            const file = w.sandbox.path(w.sandbox.provisionedFile('sso-prod'));
            const before = readFileSync(file, 'utf8');
            for (const operation of ['ListAccounts', 'ListAccountRoles']) {
              w.emu.injectFault({ operation, error: 'TooManyRequestsException', count: 1_000_000 });
            }
            const throttledBefore = w.answered(429);
            const provision = w.run(['provision']);
            // The storm lasts `seconds` from the first request it answers.
            let ended = false;
            const storm = (async () => {
              while (!ended && w.answered(429) === throttledBefore) await sleep(20);
              await sleep(seconds * 1000);
              w.emu.clearFaults();
            })();
            const { value: result, ms } = await timed(() => provision);
            ended = true;
            w.emu.clearFaults();
            await storm.catch(() => undefined);
            const outcome = result.code === 0 ? 'rode it out' : `failed (exit ${result.code})`;
            cases.note(
              `${seconds} s storm: ${outcome} after ${ms} ms, ${w.answered(429) - throttledBefore} answers 429`,
            );
            if (result.code === 0) {
              expect(badEnding(result, [0]), result.stderr).toBeUndefined();
              expect(result.stderr, result.stderr).not.toContain('failed');
              expect(ms).toBeGreaterThanOrEqual(seconds * 1000);
              expect(provisionedContent(w.sandbox)).toBe(calm.file);
            } else {
              // A storm longer than a request's 12 attempts: one clear error, and the previous file stays.
              expectOneClearError(result, 1, /^error: AWS throttled List\w+: .*\(12 attempts\)/m);
              expect(readFileSync(file, 'utf8')).toBe(before);
            }
            // Once the storm ends the rate recovers, and no request outlives its bounded attempts: no hang.
            expect(ms).toBeLessThan(seconds * 1000 + 120_000);
            expect(stateProblems(w.sandbox)).toEqual([]);
          }),
        ),
      ]);

      await cases.finish('faults-discovery-429', `429 storms during discovery (${org.accounts.length} accounts)`);
    },
    timeLimit(60_000, 240_000),
  );

  it(
    'gets role credentials through 429 and 5xx bursts on GetRoleCredentials, or fails once with a hint and caches nothing',
    async () => {
      const cases = new Cases();
      const bursts = [
        { error: 'TooManyRequestsException' },
        { error: 'InternalServerException' },
        { error: 'ServiceUnavailableException', status: 503 },
      ];

      await Promise.all([
        ...bursts.map((burst) =>
          cases.run(`a burst of 3 ${burst.error}`, async () => {
            const w = await signedIn(cases);
            // The portal client makes 4 attempts: 3 failures and then the answer.
            w.emu.injectFault({ operation: 'GetRoleCredentials', ...burst, count: 3 });
            const result = await credentialProcess(w);
            expect(badEnding(result, [0]), result.stderr).toBeUndefined();
            processCredentials(result);
            expect(opCount(w.emu, 'GetRoleCredentials')).toBe(4);
            expect(storedRoleCredentials(w.sandbox)).toHaveLength(1);
            expect(stateProblems(w.sandbox)).toEqual([]);
          }),
        ),
        ...[
          { error: 'TooManyRequestsException', message: /^error: AWS throttled GetRoleCredentials/m },
          { error: 'InternalServerException', message: /^error: GetRoleCredentials failed: InternalServerException/m },
        ].map(({ error, message }) =>
          cases.run(`${error} that does not stop`, async () => {
            const w = await signedIn(cases);
            w.emu.injectFault({ operation: 'GetRoleCredentials', error, count: 1000 });
            const { value: result, ms } = await timed(() => credentialProcess(w));
            cases.note(`${error} throughout: exit ${result.code} after ${ms} ms`);
            expectOneClearError(result, 1, message);
            expect(opCount(w.emu, 'GetRoleCredentials')).toBe(4);
            expect(ms).toBeLessThan(sdkBound(4));
            expectNothingCached(w);

            // Once AWS answers again, so does rolecall.
            w.emu.clearFaults();
            processCredentials(await credentialProcess(w));
          }),
        ),
        cases.run('failures that do not stop while the cached credentials still hold for minutes', async () => {
          // Five-minute credentials: always inside the ten-minute refresh window, so every call tries AWS.
          const w = await signedIn(cases, { credentialTtl: 300 });
          const first = processCredentials(await credentialProcess(w));
          for (const error of ['InternalServerException', 'TooManyRequestsException']) {
            w.emu.injectFault({ operation: 'GetRoleCredentials', error, count: 1000 });
            const result = await credentialProcess(w);
            expect(badEnding(result, [0]), result.stderr).toBeUndefined();
            expect(processCredentials(result).AccessKeyId).toBe(first.AccessKeyId);
            expect(result.stderr).toMatch(
              /^warning: Could not refresh the credentials of .+ \(.+\); using the cached ones, valid for \d+m(\d+s)? more\.$/m,
            );
            w.emu.clearFaults();
          }
          // An answer that stands is not papered over: the cached credentials are not handed out.
          w.emu.injectFault({ operation: 'GetRoleCredentials', error: 'ForbiddenException', status: 403, count: 1000 });
          expect((await credentialProcess(w)).code).not.toBe(0);
          w.emu.clearFaults();
          expect(processCredentials(await credentialProcess(w)).AccessKeyId).not.toBe(first.AccessKeyId);
        }),
      ]);

      await cases.finish('faults-get-role-credentials', '429 / 5xx bursts on GetRoleCredentials');
    },
    timeLimit(90_000, 300_000),
  );

  it(
    'provisions the same identities through 5xx bursts during discovery, or keeps the previous file with a warning',
    async () => {
      const cases = new Cases();
      const org = ORG;
      const calm = await calmRun();

      await Promise.all([
        cases.run('bursts of 500 and 503 answers', async () => {
          const w = await cases.world({ org });
          // Each listing may fail 3 times and still be answered at its 4th attempt.
          w.emu.injectFault({ operation: 'ListAccounts', error: 'InternalServerException', count: 3 });
          w.emu.injectFault({ operation: 'ListAccountRoles', error: 'InternalServerException', count: scaled(3, 20) });
          w.emu.injectFault({
            operation: 'ListAccountRoles',
            error: 'ServiceUnavailableException',
            status: 503,
            count: scaled(3, 20),
          });
          const login = await w.run(['login', '--use-device-code']);
          expect(badEnding(login, [0]), login.stderr).toBeUndefined();
          expect(login.stderr).toContain('✓ Provisioned');
          if (!login.stderr.includes('failed')) {
            expect(provisionedContent(w.sandbox)).toBe(calm.file);
            expect(await listedIdentities(w)).toEqual(calm.identities);
          } else {
            // An account unlucky enough to get 4 failures in a row keeps its previous identities, marked stale.
            cases.note('an account failed 4 times in a row');
            expect(login.stderr).toContain('its previous identities are kept, marked stale');
          }
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
        cases.run('the account list fails on every attempt', async () => {
          const w = await provisioned(cases, { org });
          const file = w.sandbox.path(w.sandbox.provisionedFile('sso-prod'));
          const before = readFileSync(file, 'utf8');
          w.emu.injectFault({ operation: 'ListAccounts', error: 'InternalServerException', count: 1000 });

          const { value: login, ms } = await timed(() => w.run(['login']));
          expect(badEnding(login, [0]), login.stderr).toBeUndefined();
          expect(login.stderr).toMatch(/^warning: could not discover the identities of sso-prod \(.*ListAccounts/m);
          // Four attempts (docs/discovery.md), each answered at once.
          expect(opCount(w.emu, 'ListAccounts'), login.stderr).toBe(4);
          expect(ms).toBeLessThan(4 * ATTEMPT_MS + PROCESS_MS);
          expect(readFileSync(file, 'utf8')).toBe(before);

          const provision = await w.run(['provision']);
          expectOneClearError(provision, 1, /^error: ListAccounts failed: InternalServerException/m);
          expect(readFileSync(file, 'utf8')).toBe(before);
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
      ]);

      await cases.finish('faults-discovery-5xx', `5xx bursts during discovery (${org.accounts.length} accounts)`);
    },
    timeLimit(60_000, 240_000),
  );

  it(
    'completes through 5-second latency spikes, and retries a request that stalls past the 30 s timeout',
    async () => {
      const cases = new Cases();
      const org = ORG;
      const calm = await calmRun();
      const SPIKE_MS = 5_000;

      await Promise.all([
        cases.run('spikes during sign-in and discovery', async () => {
          const w = await cases.world({ org });
          if (FULL) w.emu.injectFault({ operation: 'CreateToken', latencyMs: SPIKE_MS, count: 1 });
          w.emu.injectFault({ operation: 'ListAccounts', latencyMs: SPIKE_MS, count: 1 });
          w.emu.injectFault({ operation: 'ListAccountRoles', latencyMs: SPIKE_MS, count: scaled(2, 10) });
          if (FULL) w.emu.injectFault({ operation: '*', latencyMs: SPIKE_MS, count: 3 });
          const { value: login, ms } = await timed(() => w.run(['login', '--use-device-code']));
          cases.note(`login with spikes: ${ms} ms`);
          expect(badEnding(login, [0]), login.stderr).toBeUndefined();
          expect(ms).toBeGreaterThanOrEqual(2 * SPIKE_MS);
          // A spike shorter than the request timeout is waited out, not retried.
          expect(opCount(w.emu, 'ListAccounts')).toBe(ACCOUNT_PAGES);
          expect(provisionedContent(w.sandbox), login.stderr).toBe(calm.file);
          expect(await listedIdentities(w)).toEqual(calm.identities);
        }),
        cases.run('a spike on GetRoleCredentials', async () => {
          const w = await signedIn(cases);
          w.emu.injectFault({ operation: 'GetRoleCredentials', latencyMs: SPIKE_MS, count: 1 });
          const { value: result, ms } = await timed(() => credentialProcess(w));
          processCredentials(result);
          expect(ms).toBeGreaterThanOrEqual(SPIKE_MS);
          expect(ms).toBeLessThan(sdkBound(1));
          expect(opCount(w.emu, 'GetRoleCredentials')).toBe(1);
        }),
        ...(FULL
          ? [
              cases.run('GetRoleCredentials stalls for 40 s', async () => {
                const w = await signedIn(cases);
                w.emu.injectFault({ operation: 'GetRoleCredentials', latencyMs: 40_000, count: 1 });
                const { value: result, ms } = await timed(() => credentialProcess(w));
                cases.note(`GetRoleCredentials stalled 40 s: answered after ${ms} ms`);
                processCredentials(result);
                // The stalled attempt was given up at the request timeout and the second one answered.
                expect(ms).toBeGreaterThanOrEqual(30_000);
                expect(ms).toBeLessThan(sdkBound(2));
                expect(opCount(w.emu, 'GetRoleCredentials')).toBe(2);
              }),
              cases.run('ListAccounts stalls for 40 s', async () => {
                const w = await cases.world({ org });
                w.emu.injectFault({ operation: 'ListAccounts', latencyMs: 40_000, count: 1 });
                const { value: login, ms } = await timed(() => w.run(['login', '--use-device-code']));
                cases.note(`ListAccounts stalled 40 s: login took ${ms} ms`);
                expect(badEnding(login, [0]), login.stderr).toBeUndefined();
                expect(ms).toBeGreaterThanOrEqual(30_000);
                expect(ms).toBeLessThan(2 * ATTEMPT_MS + PROCESS_MS);
                expect(opCount(w.emu, 'ListAccounts')).toBe(ACCOUNT_PAGES + 1);
                expect(provisionedContent(w.sandbox)).toBe(calm.file);
              }),
              cases.run('Logout stalls for 40 s', async () => {
                const w = await provisioned(cases);
                w.emu.injectFault({ operation: 'Logout', latencyMs: 40_000, count: 1000 });
                const { value: logout, ms } = await timed(() => w.run(['logout']));
                cases.note(`Logout stalled 40 s: logout took ${ms} ms`);
                await expectLocalLogout(w, logout);
                // 2 attempts of at most 10 s each (src/auth/providers/aws-sso/portal-api.ts), not 40 s.
                expect(opCount(w.emu, 'Logout')).toBe(2);
                expect(ms).toBeGreaterThanOrEqual(2 * 10_000);
                expect(ms).toBeLessThan(2 * (10_000 + 3_000) + SDK_BACKOFF_MS + PROCESS_MS);
              }),
            ]
          : []),
      ]);

      await cases.finish('faults-latency', '5-second latency spikes (and, in the full pass, 40 s stalls)');
    },
    timeLimit(60_000, 240_000),
  );

  it(
    'retries connection resets on portal and OIDC calls, or fails once with a clear error',
    async () => {
      const cases = new Cases();
      const org = ORG;
      const calm = await calmRun();

      await Promise.all([
        cases.run('resets during sign-in and discovery', async () => {
          const w = await cases.world({ org });
          for (const operation of ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'ListAccounts']) {
            w.emu.injectFault({ operation, error: 'ECONNRESET', count: 1 });
          }
          w.emu.injectFault({ operation: 'ListAccountRoles', error: 'ECONNRESET', count: scaled(3, 20) });
          const login = await w.run(['login', '--use-device-code']);
          expect(badEnding(login, [0]), login.stderr).toBeUndefined();
          expect(login.stderr).toContain('✓ Logged in to sso-prod');
          expect(opCount(w.emu, 'RegisterClient')).toBe(2);
          expect(opCount(w.emu, 'StartDeviceAuthorization')).toBe(2);
          if (!login.stderr.includes('failed')) {
            expect(provisionedContent(w.sandbox)).toBe(calm.file);
            expect(await listedIdentities(w)).toEqual(calm.identities);
          } else cases.note('an account was reset 4 times in a row');
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
        cases.run('resets on GetRoleCredentials and on the session refresh', async () => {
          const w = await signedIn(cases, { tokenTtl: 300 });
          ageSession(w.sandbox, 120);
          w.emu.injectFault({ operation: 'CreateToken', error: 'ECONNRESET', count: 2 });
          w.emu.injectFault({ operation: 'GetRoleCredentials', error: 'ECONNRESET', count: 2 });
          const result = await credentialProcess(w);
          expect(badEnding(result, [0]), result.stderr).toBeUndefined();
          processCredentials(result);
          expect(opCount(w.emu, 'CreateToken')).toBe(3);
          expect(opCount(w.emu, 'GetRoleCredentials')).toBe(3);
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
        cases.run('GetRoleCredentials reset on every attempt', async () => {
          const w = await signedIn(cases);
          w.emu.injectFault({ operation: 'GetRoleCredentials', error: 'ECONNRESET', count: 1000 });
          const { value: result, ms } = await timed(() => credentialProcess(w));
          cases.note(`GetRoleCredentials reset throughout: exit ${result.code} after ${ms} ms`);
          expectOneClearError(result, 1, /^error: cannot reach http:\/\/127\.0\.0\.1:\d+ for GetRoleCredentials/m);
          expect(opCount(w.emu, 'GetRoleCredentials')).toBe(4);
          expect(ms).toBeLessThan(sdkBound(4));
          expectNothingCached(w);
        }),
        cases.run('the device-code sign-in reset on every attempt', async () => {
          const w = await cases.world();
          w.emu.injectFault({ operation: 'CreateToken', error: 'ECONNRESET', count: 1000 });
          const { value: login, ms } = await timed(() => w.run(['login', '--use-device-code']));
          expectOneClearError(login, 1, /^error: cannot reach http:\/\/127\.0\.0\.1:\d+ for CreateToken/m);
          expect(opCount(w.emu, 'CreateToken')).toBe(3);
          expect(ms).toBeLessThan(sdkBound(3));
          expect(stateProblems(w.sandbox)).toEqual([]);
        }),
        cases.run('Logout reset on every attempt', async () => {
          const w = await provisioned(cases);
          w.emu.injectFault({ operation: 'Logout', error: 'ECONNRESET', count: 1000 });
          const logout = await w.run(['logout']);
          await expectLocalLogout(w, logout);
          // Logout makes 2 attempts (src/auth/providers/aws-sso/portal-api.ts).
          expect(opCount(w.emu, 'Logout')).toBe(2);
        }),
      ]);

      await cases.finish('faults-connection-reset', 'connection resets (ECONNRESET) on portal and OIDC calls');
    },
    timeLimit(60_000, 240_000),
  );

  it(
    'keeps the previous file when the token is revoked mid-discovery, and the next login signs in anew',
    async () => {
      const cases = new Cases();
      // Enough accounts, paced by the portal's rate limit, for discovery to be under way for a while.
      const org = generateOrg(scaled(60, 300), 2);
      const identities = org.accounts.length * 2;

      const revokeDuring = async (w: World, args: string[]) => {
        const running = w.start(args);
        for (let tries = 0; opCount(w.emu, 'ListAccountRoles') < 5 && tries < 600; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const rolesBefore = opCount(w.emu, 'ListAccountRoles');
        w.emu.revokeTokens();
        const result = await running.done;
        cases.note(`${args[0]}: revoked after ${rolesBefore} ListAccountRoles, ${org.accounts.length} accounts`);
        return result;
      };

      const revokedDuring = (command: 'login' | 'provision') =>
        cases.run(`revoked during ${command}`, async () => {
          const w = await provisioned(cases, { org, rateLimit: 20 });
          const file = w.sandbox.path(w.sandbox.provisionedFile('sso-prod'));
          const before = readFileSync(file, 'utf8');
          expect(before.match(/kind: aws\/permission-set/g)).toHaveLength(identities);

          const result = await revokeDuring(w, [command]);

          expect(opCount(w.emu, 'ListAccountRoles')).toBeLessThan(org.accounts.length);
          if (command === 'login') {
            expect(badEnding(result, [0, 3]), result.stderr).toBeUndefined();
            expect(result.stderr).toMatch(/^(warning|error): .*session is not valid/m);
            expect(result.stderr).toMatch(/rolecall login/);
          } else {
            expectOneClearError(result, 3, /^error: .*session is not valid/m);
            expect(result.stderr).toMatch(/^hint: .*rolecall login/m);
          }
          expect(readFileSync(file, 'utf8')).toBe(before);
          expect(stateProblems(w.sandbox)).toEqual([]);

          // The login the message asks for signs in anew (the revoked session must not count as valid)
          // and provisions again.
          w.emu.resetStats();
          const again = await w.run(['login', '--use-device-code']);
          expect(badEnding(again, [0]), again.stderr).toBeUndefined();
          expect(again.stderr).toContain('✓ Logged in to sso-prod');
          expect(opCount(w.emu, 'StartDeviceAuthorization')).toBe(1);
          expect(again.stderr).toMatch(new RegExp(`✓ Provisioned ${identities} identities`));
          expect(stateProblems(w.sandbox)).toEqual([]);
        });
      await Promise.all([revokedDuring('login'), revokedDuring('provision')]);

      await cases.finish('faults-token-revoked', 'token revoked mid-discovery');
    },
    timeLimit(90_000, 300_000),
  );

  it(
    'refreshes credentials that expire while a child runs, through the profile credential_process',
    async () => {
      const cases = new Cases();
      // Long enough that credentials fetched on a busy machine are still good when the call that needs them is signed.
      const ttlSeconds = scaled(8, 20);
      const calls = scaled(2, 4);
      // Calls STS through the AWS SDK's default chain `calls` times, waiting past the credentials' lifetime between calls.
      const script = `const { STSClient, GetCallerIdentityCommand } = require(require.resolve('@aws-sdk/client-sts', { paths: [${JSON.stringify(repoRoot)}] }));
const sts = new STSClient({});
(async () => {
  const seen = [];
  for (let call = 0; call < ${calls}; call++) {
    if (call > 0) await new Promise((resolve) => setTimeout(resolve, ${(ttlSeconds + 1) * 1000}));
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const credentials = await sts.config.credentials();
    seen.push({ account: identity.Account, key: credentials.accessKeyId });
  }
  process.stdout.write(JSON.stringify(seen));
})().catch((error) => { process.stderr.write(error.name + ': ' + error.message + '\\n'); process.exit(1); });
`;

      await cases.run(`${calls} STS calls ${ttlSeconds + 1} s apart with ${ttlSeconds} s credentials`, async () => {
        const w = await signedIn(cases, { credentialTtl: ttlSeconds });
        const file = w.sandbox.write('scripts/caller.cjs', script);
        const { value: result, ms } = await timed(() =>
          w.run(['exec', '--identity', IDENTITY, '--', process.execPath, file]),
        );
        cases.note(`GetRoleCredentials: ${opCount(w.emu, 'GetRoleCredentials')}, ${ms} ms`);
        expect(badEnding(result, [0]), result.stderr).toBeUndefined();
        const seen = JSON.parse(result.stdout) as { account: string; key: string }[];
        expect(seen).toHaveLength(calls);
        for (const call of seen) expect(call.account).toBe('222222222222');
        // Each call after a wait used new credentials, fetched through credential_process.
        expect(new Set(seen.map((call) => call.key)).size).toBe(calls);
        expect(opCount(w.emu, 'GetRoleCredentials')).toBeGreaterThanOrEqual(calls);
        expect(stateProblems(w.sandbox)).toEqual([]);
      });

      await cases.finish('faults-credentials-expire-in-child', 'credentials expire during a child run');
    },
    timeLimit(60_000, 180_000),
  );
});
