import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../support/cli.js';
import { providerConfig, signedInSandbox } from '../support/emulator.js';

const CONFIG = providerConfig({
  autoProvision: true,
  extra: `  identities:
    deployer:
      kind: aws/assume-role
      via: { identity: production/AdministratorAccess }
      principal: { assume_role: "arn:aws:iam::222222222222:role/Deployer" }
`,
});

const identitiesJson = async (run: (args: string[]) => Promise<{ stdout: string }>) =>
  JSON.parse((await run(['list', '--format', 'json'])).stdout).identities as {
    name: string;
    credentials: { state: string; expires_at: string | null } | null;
  }[];

const indexFiles = (sandbox: Sandbox) => {
  const folder = sandbox.path('.cache', 'rolecall', 'credentials');
  return readdirSync(folder).map((name) => join(folder, name));
};

describe('credential states in list', () => {
  it('marks only the identities whose credentials are cached, with the time left', async () => {
    const { run } = await signedInSandbox({ config: CONFIG });
    expect((await run(['whoami', '--identity', 'production/AdministratorAccess'])).code).toBe(0);
    const tree = (await run(['list'])).stdout;
    expect(tree).toMatch(/production\/AdministratorAccess {2}222222222222 {2}● (59|60)m\n/);
    expect(tree).toMatch(/production\/ReadOnlyAccess {2}222222222222\n/);
    const rows = await identitiesJson(run);
    const admin = rows.find((row) => row.name === 'production/AdministratorAccess');
    expect(admin?.credentials?.state).toBe('valid');
    expect(Date.parse(admin?.credentials?.expires_at ?? '')).toBeGreaterThan(Date.now());
    expect(rows.filter((row) => row.credentials !== null).map((row) => row.name)).toEqual([
      'production/AdministratorAccess',
    ]);
  });

  it('says credentials are expiring within 15 minutes, and expired once past', async () => {
    const { run, sandbox } = await signedInSandbox({ config: CONFIG, emulator: { credentialTtl: 12 * 60 } });
    expect((await run(['whoami', '--identity', 'production/ReadOnlyAccess'])).code).toBe(0);
    const state = async () =>
      (await identitiesJson(run)).find((row) => row.name === 'production/ReadOnlyAccess')?.credentials?.state;
    expect(await state()).toBe('expiring');
    for (const file of indexFiles(sandbox)) {
      const entry = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, JSON.stringify({ ...entry, expiration: new Date(Date.now() - 1000).toISOString() }));
    }
    expect(await state()).toBe('expired');
    expect((await run(['list'])).stdout).toMatch(/production\/ReadOnlyAccess {2}222222222222 {2}● expired\n/);
  });

  it('logout deletes the cached credentials of the portal, chained ones included', async () => {
    const { run, sandbox } = await signedInSandbox({ config: CONFIG });
    expect((await run(['whoami', '--identity', 'deployer'])).code).toBe(0);
    const secretsBefore = readdirSync(sandbox.path('.local', 'state', 'rolecall', 'secrets')).length;
    const logout = await run(['logout']);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('cached credentials of 1 identity deleted');
    // The session, the deployer's credentials and the permission set's it was assumed with are gone.
    const secretsAfter = readdirSync(sandbox.path('.local', 'state', 'rolecall', 'secrets')).length;
    expect(secretsBefore - secretsAfter).toBe(3);
    expect(indexFiles(sandbox)).toEqual([]);
    expect((await identitiesJson(run)).every((row) => row.credentials === null)).toBe(true);
  });
});
