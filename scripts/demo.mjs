// `npm start`: the main job against the embedded emulator, with no AWS account. It starts
// `rolecall emulator` (its sample organisation: a dozen accounts, one name collision), signs in with
// a device code (the emulator approves it) and discovers every account and permission set, shows
// that the session is reused, validates and lists the sample configuration in examples/ merged with
// what was discovered, asks STS who the default identity is, runs a small program under a chained
// role with `exec`, lists again (now with credential states), logs out and stops the emulator. A
// throw-away HOME keeps your files out of it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'rolecall.cjs');
const config = join(root, 'examples', 'rolecall.yaml');
const home = mkdtempSync(join(tmpdir(), 'rolecall-demo-'));
const started = Date.now();

const emulator = spawn(process.execPath, [cli, 'emulator', '--auto-approve', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const firstLine = await new Promise((resolveLine, reject) => {
  emulator.once('error', reject);
  emulator.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  createInterface({ input: emulator.stdout }).once('line', resolveLine);
});
const url = /listening on (http:\/\/\S+)/.exec(firstLine)?.[1];
process.stdout.write(`${firstLine}\n`);

const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS_|ROLECALL_|BROWSER$|DISPLAY$|WAYLAND_DISPLAY$)/.test(name)),
  ),
  HOME: home,
  XDG_CACHE_HOME: join(home, '.cache'),
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_STATE_HOME: join(home, '.local', 'state'),
  AWS_ENDPOINT_URL_SSO: url,
  AWS_ENDPOINT_URL_SSO_OIDC: url,
  AWS_ENDPOINT_URL_STS: url,
  AWS_ENDPOINT_URL_SIGNIN: url,
  ROLECALL_KEYRING: 'file',
};

const steps = [
  ['login', '--provider', 'sso-prod', '--use-device-code'],
  ['login', '--provider', 'sso-prod', '--no-provision'],
  ['validate'],
  ['list'],
  ['list', '--provider', 'sso-prod', '--format', 'table'],
  ['whoami'],
  ['exec', '--identity', 'prod-admin', '--', process.execPath, join(root, 'examples', 'print-caller.mjs')],
  ['list'],
  ['logout', '--provider', 'sso-prod'],
];
let failed = 0;
try {
  for (const args of steps) {
    process.stdout.write(`\n$ rolecall ${args.join(' ')}\n`);
    const result = spawnSync(process.execPath, [cli, '--config', config, ...args], { env, stdio: 'inherit' });
    if (result.status !== 0) {
      failed = result.status ?? 1;
      break;
    }
  }
} finally {
  emulator.kill('SIGTERM');
  await new Promise((done) => emulator.once('exit', done));
  rmSync(home, { recursive: true, force: true });
}
process.stdout.write(
  `\n${failed ? `failed (exit ${failed})` : 'done'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
process.exitCode = failed;
