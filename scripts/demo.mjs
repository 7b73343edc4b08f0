// `npm start`: the main job as far as rolecall goes today. It validates and lists the sample
// configuration in examples/ with a throw-away HOME, so nothing of yours is read or written.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const home = mkdtempSync(join(tmpdir(), 'rolecall-demo-'));
const env = {
  ...process.env,
  HOME: home,
  XDG_CACHE_HOME: join(home, '.cache'),
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_STATE_HOME: join(home, '.local/state'),
};
const config = join(root, 'examples', 'rolecall.yaml');

const steps = [['validate'], ['list'], ['list', '--format', 'table'], ['config', 'show', '--origins']];
let failed = 0;
try {
  for (const args of steps) {
    process.stdout.write(`\n$ rolecall ${args.join(' ')} --config examples/rolecall.yaml\n`);
    const result = spawnSync(process.execPath, [join(root, 'bin', 'rolecall.cjs'), ...args, '--config', config], {
      env,
      stdio: 'inherit',
    });
    if (result.status !== 0) failed = result.status ?? 1;
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = failed;
