// Takes a rolecall lock in its own process, as 20 rolecall processes would at once.
// Usage: node lock-worker.mjs <bundle of src/store/lock.ts> <state dir> <lock name> <mode> [work dir]
//   hold:    takes the lock, prints "locked", and keeps it until killed.
//   refresh: waits for <work dir>/go, then under the lock refreshes <work dir>/token.json only if it is
//            expired (as a refresh of an expired token would), journalling when it enters (pid, time) and leaves;
//            prints "refreshed" or "reused".
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [bundle, state, name, mode, workDir = ''] = process.argv.slice(2);
const { withLock } = await import(bundle);
const dirs = { platform: process.platform, config: state, cache: state, state, data: state };
// What rolecall's logger would print of the lock's warnings.
const log = { warn: (message) => process.stderr.write(`warning: ${message}\n`) };

if (mode === 'hold') {
  await withLock(
    dirs,
    name,
    async () => {
      process.stdout.write('locked\n');
      await sleep(600_000);
    },
    { log },
  );
}

if (mode === 'refresh') {
  writeFileSync(join(workDir, `ready-${process.pid}`), '');
  while (!existsSync(join(workDir, 'go'))) await sleep(5);
  const journal = join(workDir, 'journal');
  const tokenFile = join(workDir, 'token.json');
  const outcome = await withLock(
    dirs,
    name,
    async () => {
      appendFileSync(journal, `enter ${process.pid} ${Date.now()}\n`);
      const token = JSON.parse(readFileSync(tokenFile, 'utf8'));
      let result = 'reused';
      if (token.expired) {
        // Written in two steps on purpose: a second process inside the lock would read a torn file.
        writeFileSync(tokenFile, '{"expired": ');
        await sleep(100);
        writeFileSync(tokenFile, JSON.stringify({ expired: false, refreshes: token.refreshes + 1, by: process.pid }));
        result = 'refreshed';
      }
      appendFileSync(journal, `leave ${process.pid}\n`);
      return result;
    },
    { log },
  );
  process.stdout.write(`${outcome}\n`);
}
