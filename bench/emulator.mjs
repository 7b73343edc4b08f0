#!/usr/bin/env node
// How many portal requests per second `rolecall emulator` serves on one core, so that it is never
// the bottleneck of a discovery benchmark (target: 2,000/s). Starts the built CLI pinned to CPU 0
// (taskset, when available), signs in through SSO OIDC with fetch, then sends a fixed number of
// ListAccountRoles/ListAccounts requests over keep-alive connections from CPU 1, with bounded
// concurrency and a deadline. Loopback only.
//
//   npm run build && node bench/emulator.mjs        (BENCH_REQUESTS=N to change the count)
import { spawn, spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listeningUrl, signIn } from './emulator-session.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const WARM_UP = 1_000;
const CONCURRENCY = 32;
const ACCOUNTS = 200;
const TARGET_PER_SECOND = 2_000;
const DEADLINE_MS = 120_000;

const canPin = cpus().length > 1 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const emulatorArgs = [
  join(ROOT, 'bin/rolecall.cjs'),
  'emulator',
  '--port',
  '0',
  '--accounts',
  String(ACCOUNTS),
  '--roles',
  '4',
];
const emulator = canPin
  ? spawn('taskset', ['-c', '0', process.execPath, ...emulatorArgs], { stdio: ['ignore', 'pipe', 'inherit'] })
  : spawn(process.execPath, emulatorArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
// Keep this load generator off the emulator's core.
if (canPin) spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const deadline = setTimeout(() => {
  console.error(`bench/emulator: no result within ${DEADLINE_MS / 1000} s; stopping`);
  emulator.kill('SIGTERM');
  process.exit(1);
}, DEADLINE_MS);

const accountIds = async (url, accessToken) => {
  const ids = [];
  let nextToken = '';
  do {
    const query = `max_result=100${nextToken ? `&next_token=${encodeURIComponent(nextToken)}` : ''}`;
    const page = await (
      await fetch(`${url}/assignment/accounts?${query}`, { headers: { 'x-amz-sso_bearer_token': accessToken } })
    ).json();
    ids.push(...page.accountList.map((account) => account.accountId));
    nextToken = page.nextToken ?? '';
  } while (nextToken);
  return ids;
};

/** Sends `count` portal requests, `CONCURRENCY` at a time; three in four are ListAccountRoles. */
const load = (url, accessToken, ids, count) => {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const req = request({ hostname, port, path, agent, headers: { 'x-amz-sso_bearer_token': accessToken } });
      req.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      });
      req.on('error', reject);
      req.end();
    });
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (sent < count) {
      const index = sent++;
      const path =
        index % 4 === 3
          ? '/assignment/accounts?max_result=20'
          : `/assignment/roles?account_id=${ids[index % ids.length]}`;
      if ((await get(path)) !== 200) failed++;
    }
  };
  return Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => {
    agent.destroy();
    return failed;
  });
};

const stop = () =>
  new Promise((resolve) => {
    emulator.on('exit', (code) => resolve(code));
    emulator.kill('SIGTERM');
  });

try {
  const url = await listeningUrl(emulator);
  const accessToken = await signIn(url);
  const ids = await accountIds(url, accessToken);
  await load(url, accessToken, ids, WARM_UP);

  const started = performance.now();
  const failed = await load(url, accessToken, ids, REQUESTS);
  const seconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(REQUESTS / seconds);
  const stopped = await stop();
  clearTimeout(deadline);

  const where = canPin ? 'emulator pinned to CPU 0, load from CPU 1' : 'emulator not pinned (no taskset)';
  console.log(
    `emulator: ${REQUESTS} portal requests in ${seconds.toFixed(2)} s = ${perSecond} requests/s (${where}; target ${TARGET_PER_SECOND}/s)`,
  );
  if (failed > 0) console.error(`bench/emulator: ${failed} requests did not answer 200`);
  if (stopped !== 0) console.error(`bench/emulator: the emulator exited with ${stopped} on SIGTERM`);
  process.exitCode = failed === 0 && stopped === 0 && perSecond >= TARGET_PER_SECOND ? 0 : 1;
} catch (error) {
  console.error(`bench/emulator: ${error.message}`);
  emulator.kill('SIGTERM');
  clearTimeout(deadline);
  process.exitCode = 1;
}
