// One discovery run in its own process, so that its time and peak memory are its own; started by
// bench/discovery.mjs. Argument: JSON {bundle, mode, url, accessToken, accounts, roles}, the last two
// what the emulator serves. `concurrent` is rolecall's discovery; `sequential` lists the same things
// one request at a time with the same portal client, as a plain loop does (Atmos). Prints one JSON
// line: the failures (accounts missing, or without all their roles), the request counts, the time of
// the discovery alone and the process's peak RSS.
import { setTimeout as sleep } from 'node:timers/promises';

const { bundle, mode, url, accessToken, accounts, roles } = JSON.parse(process.argv[2]);
const { discoverAssignments, openDiscoveryPortal, pages } = await import(bundle);

const env = { AWS_ENDPOINT_URL_SSO: url };
const region = 'us-east-1';
const silent = () => {};
const log = {
  level: 'error',
  setLevel: silent,
  enabled: () => false,
  debug: silent,
  info: silent,
  warn: silent,
  error: silent,
};

/** The loop a simple tool runs: each page, then each account's roles, one request at a time. */
async function sequentialDiscovery() {
  const portal = openDiscoveryPortal({ accessToken, region, env, maxConnections: 1, connectTimeoutMs: 5_000 });
  const tally = { requests: 0, throttled: 0, retries: 0 };
  // Wait a second on a 429 and ask again, a bounded number of times; otherwise fail.
  const call = async (request) => {
    for (let attempt = 1; ; attempt++) {
      tally.requests++;
      try {
        return await request(AbortSignal.timeout(30_000));
      } catch (error) {
        if (error?.$metadata?.httpStatusCode !== 429 || attempt === 12) throw error;
        tally.throttled++;
        tally.retries++;
        await sleep(1_000);
      }
    }
  };
  const accounts = [];
  try {
    for await (const page of pages((token) => call((signal) => portal.listAccounts(token, signal)))) {
      accounts.push(...page);
    }
    for (const account of accounts) {
      const roles = [];
      for await (const page of pages((token) => call((signal) => portal.listAccountRoles(account.id, token, signal)))) {
        roles.push(...page);
      }
      account.roles = roles;
    }
  } finally {
    portal.close();
  }
  return { accounts, ...tally };
}

const started = performance.now();
const result =
  mode === 'sequential' ? await sequentialDiscovery() : await discoverAssignments({ accessToken, region, env, log });
const ms = performance.now() - started;

process.stdout.write(
  `${JSON.stringify({
    ms,
    failures:
      accounts - result.accounts.length + result.accounts.filter((account) => account.roles?.length !== roles).length,
    requests: result.requests,
    throttled: result.throttled,
    retries: result.retries,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
