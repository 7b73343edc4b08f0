#!/usr/bin/env node
// How close rolecall's discovery (every account, every account's roles) comes to the fastest a
// rate-limited portal allows. Against `rolecall emulator --accounts 1000 --roles 4 --latency 30
// --rate-limit 100`, it prints rolecall's time, the floor (requests needed / rate), their ratio, the
// failures and the peak memory; then a sequential discovery (one request at a time, as Atmos does)
// measured in the same run on 100 accounts and scaled to 1000; then 10,000 accounts. Targets: within
// 1.25x of the floor, no failure, under 200 MB; 10,000 accounts complete under 400 MB. Exits 1 when a
// target is missed. Each discovery runs in a child process (its own time and peak RSS) from a bundle of
// src/auth/providers/aws-sso/discovery.ts built here with esbuild. Loopback only; every loop is
// bounded, and a deadline stops the whole run.
//
//   npm run build && node bench/discovery.mjs
//   node bench/discovery.mjs --quick      a smoke run: 200 and 2,000 accounts, the ratio not held
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { listeningUrl, signIn } from './emulator-session.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.argv.includes('--quick');
const ROLES = 4;
const LATENCY_MS = 30;
const RATE = 100;
const ACCOUNTS = QUICK ? 200 : 1000;
const SEQUENTIAL_ACCOUNTS = ACCOUNTS / 10;
const LARGE_ACCOUNTS = QUICK ? 2000 : 10_000;
const TARGET_RATIO = 1.25;
const TARGET_MB = 200;
const LARGE_TARGET_MB = 400;
const DEADLINE_MS = QUICK ? 120_000 : 900_000;

const children = new Set();
const deadline = setTimeout(() => {
  console.error(`bench/discovery: not done within ${DEADLINE_MS / 1000} s; stopping`);
  for (const child of children) child.kill('SIGTERM');
  process.exit(1);
}, DEADLINE_MS);

/** discovery.ts and what the sequential loop shares with it, bundled for the runner. */
async function bundleDiscovery() {
  const outdir = join(ROOT, 'node_modules/.cache/rolecall-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'discovery.cjs');
  const sources = join(ROOT, 'src/auth/providers/aws-sso');
  await build({
    stdin: {
      contents: [
        `export { discoverAssignments } from '${sources}/discovery.ts';`,
        `export { openDiscoveryPortal } from '${sources}/discovery-portal.ts';`,
        `export { pages } from '${sources}/discovery-pages.ts';`,
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return pathToFileURL(outfile).href;
}

const spawnTracked = (args, options) => {
  const child = spawn(process.execPath, args, options);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
};

/** `rolecall emulator` with the benchmark's flags, and its URL from the first line it prints. */
function startEmulator(accounts) {
  const emulator = spawnTracked(
    [
      join(ROOT, 'bin/rolecall.cjs'),
      'emulator',
      '--port',
      '0',
      '--accounts',
      String(accounts),
      '--roles',
      String(ROLES),
      '--latency',
      String(LATENCY_MS),
      '--rate-limit',
      String(RATE),
      '--auto-approve',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = listeningUrl(emulator);
  const stop = () =>
    new Promise((resolve) => {
      if (emulator.exitCode !== null) return resolve(emulator.exitCode);
      emulator.on('exit', resolve);
      emulator.kill('SIGTERM');
    });
  return { url, stop };
}

/** One discovery in a child process against a fresh emulator of `accounts` accounts. */
async function measure(bundle, mode, accounts) {
  const emulator = startEmulator(accounts);
  try {
    const url = await emulator.url;
    const accessToken = await signIn(url);
    const runner = spawnTracked(
      [
        join(ROOT, 'bench/discovery-runner.mjs'),
        JSON.stringify({ bundle, mode, url, accessToken, accounts, roles: ROLES }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    runner.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const code = await new Promise((resolve) => runner.on('exit', resolve));
    if (code !== 0) throw new Error(`the ${mode} discovery of ${accounts} accounts exited with ${code}`);
    const run = JSON.parse(output);
    const needed = Math.ceil(accounts / 100) + accounts * Math.ceil(ROLES / 100);
    return { ...run, seconds: run.ms / 1000, needed, floor: needed / RATE };
  } finally {
    await emulator.stop();
  }
}

const mb = (value) => `${Math.round(value)} MB`;
const s = (value) => `${value.toFixed(2)} s`;

try {
  const bundle = await bundleDiscovery();
  const missed = [];
  const flags = `--roles ${ROLES} --latency ${LATENCY_MS} --rate-limit ${RATE}`;

  const main = await measure(bundle, 'concurrent', ACCOUNTS);
  const ratio = main.seconds / main.floor;
  console.log(`discovery of ${ACCOUNTS} accounts (emulator --accounts ${ACCOUNTS} ${flags})`);
  console.log(
    `  requests:    ${main.needed} needed, ${main.requests} made (${main.throttled} throttled, ${main.retries} retries)`,
  );
  console.log(`  rolecall:    ${s(main.seconds)}`);
  console.log(`  floor:       ${s(main.floor)} (${main.needed} requests / ${RATE} per s)`);
  console.log(
    `  ratio:       ${ratio.toFixed(2)}x the floor (target <= ${TARGET_RATIO}x${QUICK ? ', not held in --quick' : ''})`,
  );
  console.log(`  failures:    ${main.failures} (target 0)`);
  console.log(`  peak memory: ${mb(main.peakRssMb)} RSS (target < ${TARGET_MB} MB)`);
  if (ratio > TARGET_RATIO && !QUICK) missed.push(`ratio ${ratio.toFixed(2)} > ${TARGET_RATIO}`);
  if (main.failures > 0) missed.push(`${main.failures} failures`);
  if (main.peakRssMb >= TARGET_MB) missed.push(`peak memory ${mb(main.peakRssMb)}`);

  const sequential = await measure(bundle, 'sequential', SEQUENTIAL_ACCOUNTS);
  const scale = ACCOUNTS / SEQUENTIAL_ACCOUNTS;
  const scaled = sequential.seconds * scale;
  console.log(`sequential discovery (one request at a time, as Atmos does), same emulator flags`);
  console.log(
    `  ${SEQUENTIAL_ACCOUNTS} accounts: ${sequential.requests} requests in ${s(sequential.seconds)}; ` +
      `x${scale} = ${s(scaled)} for ${ACCOUNTS} accounts: ${(scaled / main.seconds).toFixed(1)}x rolecall's time`,
  );
  if (sequential.failures > 0) missed.push(`sequential run: ${sequential.failures} failures`);

  const large = await measure(bundle, 'concurrent', LARGE_ACCOUNTS);
  console.log(`discovery of ${LARGE_ACCOUNTS} accounts (emulator --accounts ${LARGE_ACCOUNTS} ${flags})`);
  console.log(
    `  ${large.needed} requests needed, ${large.requests} made (${large.throttled} throttled) in ${s(large.seconds)}; ` +
      `floor ${s(large.floor)}, ratio ${(large.seconds / large.floor).toFixed(2)}x`,
  );
  console.log(`  failures:    ${large.failures} (target 0)`);
  console.log(`  peak memory: ${mb(large.peakRssMb)} RSS (target < ${LARGE_TARGET_MB} MB)`);
  if (large.failures > 0) missed.push(`${LARGE_ACCOUNTS} accounts: ${large.failures} failures`);
  if (large.peakRssMb >= LARGE_TARGET_MB) missed.push(`${LARGE_ACCOUNTS} accounts: peak memory ${mb(large.peakRssMb)}`);

  console.log(missed.length === 0 ? 'all targets met' : `targets missed: ${missed.join('; ')}`);
  process.exitCode = missed.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`bench/discovery: ${error.message}`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  for (const child of children) child.kill('SIGTERM');
}
