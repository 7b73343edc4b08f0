#!/usr/bin/env node
// What an AWS SDK pays each time it runs `rolecall credential-process --identity I` and the cache can
// answer: the median time of that command against the median of `node -e 0`, measured in the same run
// and in the same environment (NODE_EXTRA_CA_CERTS and all; both commands get the identical env).
// Target: under 1.3x.
//
// Setup: `rolecall emulator --accounts 1250 --roles 4` (5,000 identities), a temporary HOME and XDG
// folders, ROLECALL_KEYRING=file, a provider with auto_provision_identities; `rolecall login` (device
// code, auto-approved) discovers the 5,000 identities, and one `credential-process` fills the cache.
// The cached path must not load that big configuration: a traced run checks which bundles it loads,
// and the emulator's request counts must not move during the timed runs. For comparison, the full path
// (`ROLECALL_LOG_LEVEL=info` makes the fast path step aside; the credentials still come from the cache).
//
//   npm run build && node bench/startup.mjs [--accounts 1250] [--roles 4] [--runs 40] [--full-runs 15] [--check]
//   --check   exit 1 when the ratio misses the target (otherwise the figures are only printed)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listeningUrl } from './emulator-session.mjs';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1250' },
    roles: { type: 'string', default: '4' },
    runs: { type: 'string', default: '40' },
    'full-runs': { type: 'string', default: '15' },
    'warm-up': { type: 'string', default: '5' },
    check: { type: 'boolean', default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const ROLES = Number(values.roles);
const RUNS = Number(values.runs);
const FULL_RUNS = Number(values['full-runs']);
const WARM_UP = Number(values['warm-up']);
const TARGET = 1.3;
const DEADLINE_MS = 300_000;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'rolecall.cjs');
const PROVIDER = 'emulator';
// Generated organisations name account i `account-0001` (at least four digits) and give every account
// the same first ROLES permission sets, PowerUserAccess second.
const IDENTITY = `account-${String(Math.ceil(ACCOUNTS / 2)).padStart(Math.max(4, String(ACCOUNTS).length), '0')}/${ROLES > 1 ? 'PowerUserAccess' : 'AdministratorAccess'}`;

const home = mkdtempSync(join(tmpdir(), 'rolecall-bench-startup-'));
const emulator = spawn(
  process.execPath,
  [CLI, 'emulator', '--port', '0', '--accounts', String(ACCOUNTS), '--roles', String(ROLES), '--auto-approve'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const stopEmulator = () =>
  new Promise((done) => {
    if (emulator.exitCode !== null || emulator.signalCode !== null) return done();
    emulator.on('exit', () => done());
    emulator.kill('SIGTERM');
  });
const deadline = setTimeout(() => {
  console.error(`bench/startup: not done within ${DEADLINE_MS / 1000} s; stopping`);
  emulator.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
  process.exit(1);
}, DEADLINE_MS);

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const ms = (value) => `${value.toFixed(1)} ms`;

/** Runs one command to its end; its wall-clock time in ms and its output. Throws when it fails. */
function time(args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: home, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`\`node ${args.join(' ')}\` exited ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  return { elapsed, stdout: result.stdout, stderr: result.stderr };
}

/** The AWS credentials a `credential_process` answer carries, checked for shape. */
function credentialsOf(stdout) {
  const output = JSON.parse(stdout);
  if (output.Version !== 1 || !output.AccessKeyId || !output.SecretAccessKey) {
    throw new Error(`not a credential_process answer: ${stdout.slice(0, 200)}`);
  }
  return output;
}

async function emulatorRequests(url) {
  const response = await fetch(`${url}/_emulator/stats`);
  if (!response.ok) throw new Error(`/_emulator/stats: ${response.status}`);
  return (await response.json()).requests;
}
const total = (requests) => Object.values(requests).reduce((sum, count) => sum + count, 0);

async function bench() {
  const url = await listeningUrl(emulator);

  // A user's machine in a temporary folder. Inherited AWS_* and ROLECALL_* settings would point the
  // CLI elsewhere or send it the full way (ROLECALL_LOG_LEVEL); everything else, NODE_EXTRA_CA_CERTS
  // included, stays as this environment has it.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|ROLECALL_)/.test(name)));
  const env = {
    ...inherited,
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_DATA_HOME: join(home, 'data'),
    ROLECALL_KEYRING: 'file',
    NO_COLOR: '1',
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_STS: url,
  };
  const config = join(home, 'rolecall.yaml');
  writeFileSync(
    config,
    `auth:\n  providers:\n    ${PROVIDER}:\n      kind: aws/iam-identity-center\n      start_url: https://d-9067000000.awsapps.com/start\n      region: us-east-1\n      auto_provision_identities: true\n`,
  );

  const login = time([CLI, 'login', '--use-device-code'], env);
  const provisioned = /Provisioned (\d+) identities/.exec(login.stderr);
  if (Number(provisioned?.[1]) !== ACCOUNTS * ROLES) {
    throw new Error(`expected ${ACCOUNTS * ROLES} identities provisioned:\n${login.stderr}`);
  }
  // Sources written an instant ago are not trusted by the compiled cache (their mtime could still move).
  const past = new Date(Date.now() - 10_000);
  utimesSync(config, past, past);
  utimesSync(join(home, 'cache', 'rolecall', 'auth', PROVIDER, 'provisioned-identities.yaml'), past, past);

  const cached = [CLI, 'credential-process', '--identity', IDENTITY];
  const fill = time(cached, env);
  const { AccessKeyId: accessKeyId } = credentialsOf(fill.stdout);
  const afterFill = await emulatorRequests(url);
  if (afterFill.GetRoleCredentials !== 1) {
    throw new Error(`expected one GetRoleCredentials to fill the cache, saw ${afterFill.GetRoleCredentials}`);
  }

  // Which bundles the cached path loads: none of the CLI framework, the configuration or the SDK.
  const trace = join(home, 'loaded.txt');
  const preload = join(home, 'trace-loads.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(trace)}, Object.keys(require.cache).join('\\n')));\n`,
  );
  const bundlesLoaded = (environment) => {
    credentialsOf(time(['--require', preload, ...cached], environment).stdout);
    const files = readFileSync(trace, 'utf8').split('\n');
    return {
      bundles: files.filter((file) => file.startsWith(join(ROOT, 'dist'))).map((file) => basename(file)),
      dependencies: files.filter((file) => file.includes('node_modules')).length,
    };
  };
  const fullEnv = { ...env, ROLECALL_LOG_LEVEL: 'info' };
  const { bundles: loaded, dependencies } = bundlesLoaded(env);
  const heavy = loaded.filter((file) => !/^cli\.(main|credential-process-fast)\.cjs$/.test(file));
  if (heavy.length > 0) throw new Error(`the cached path loaded more than the fast path: ${heavy.join(', ')}`);
  if (dependencies > 0) throw new Error(`the cached path loaded ${dependencies} files of dependencies`);
  // And the comparison below really goes the full way.
  const fullLoads = bundlesLoaded(fullEnv);
  if (!fullLoads.bundles.includes('cli.program.cjs'))
    throw new Error('ROLECALL_LOG_LEVEL did not send the run the full way');

  // Interleaved, so that a busy moment on a shared machine weighs on both sides alike.
  const baseline = [];
  const fast = [];
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const node = time(['-e', '0'], env).elapsed;
    const answer = time(cached, env);
    if (credentialsOf(answer.stdout).AccessKeyId !== accessKeyId) throw new Error('the cached answer changed');
    if (run < WARM_UP) continue;
    baseline.push(node);
    fast.push(answer.elapsed);
  }
  const afterFast = await emulatorRequests(url);

  // The full way, for comparison: the same answer, with the compiled 5,000-identity configuration loaded.
  const fullBaseline = [];
  const full = [];
  for (let run = 0; run < 2 + FULL_RUNS; run++) {
    const node = time(['-e', '0'], fullEnv).elapsed;
    const answer = time(cached, fullEnv);
    if (credentialsOf(answer.stdout).AccessKeyId !== accessKeyId) throw new Error('the full path answered differently');
    if (run < 2) continue;
    fullBaseline.push(node);
    full.push(answer.elapsed);
  }
  const afterFull = await emulatorRequests(url);

  const ratio = median(fast) / median(baseline);
  const fullRatio = median(full) / median(fullBaseline);
  const pass = ratio < TARGET;
  console.log(
    `setup: ${ACCOUNTS * ROLES} identities (${ACCOUNTS} accounts x ${ROLES} roles), login ${login.elapsed.toFixed(0)} ms, first credential-process (compiles the configuration, GetRoleCredentials) ${fill.elapsed.toFixed(0)} ms`,
  );
  console.log(
    `cached path loads: ${loaded.join(', ')} (no dependency); full path loads ${fullLoads.bundles.join(', ')} and ${fullLoads.dependencies} files of dependencies`,
  );
  console.log(
    `node -e 0 ${ms(median(baseline))}, rolecall credential-process --identity ${IDENTITY} (cached) ${ms(median(fast))} (medians of ${RUNS}, after ${WARM_UP} warm-up): ratio ${ratio.toFixed(2)}x`,
  );
  console.log(
    `full path (ROLECALL_LOG_LEVEL=info, still from the cache): ${ms(median(full))} (median of ${FULL_RUNS}; node -e 0 ${ms(median(fullBaseline))}): ratio ${fullRatio.toFixed(2)}x; the fast path saves ${ms(median(full) - median(fast))} a call`,
  );
  console.log(
    `emulator GetRoleCredentials: ${afterFill.GetRoleCredentials} after filling the cache, ${afterFast.GetRoleCredentials} after the cached runs, ${afterFull.GetRoleCredentials} after the full-path runs; all requests ${total(afterFill)} -> ${total(afterFast)} -> ${total(afterFull)}`,
  );
  if (total(afterFast) !== total(afterFill))
    throw new Error('the cached runs called the emulator: the cache did not answer');
  console.log(`ratio in this environment: ${ratio.toFixed(2)}x (target < ${TARGET}x) ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}

let exitCode = 1;
try {
  const pass = await bench();
  exitCode = pass || !values.check ? 0 : 1;
} catch (error) {
  console.error(`bench/startup: ${error.message}`);
} finally {
  clearTimeout(deadline);
  await stopEmulator();
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = exitCode;
