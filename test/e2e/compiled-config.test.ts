import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { provisionedIdentity, Sandbox, SSO_PROVIDER } from '../support/cli.js';

const names = async (sandbox: Sandbox) => {
  const result = await sandbox.run(['list', '--format', 'json', '--log-level', 'debug']);
  expect(result.code).toBe(0);
  return {
    names: JSON.parse(result.stdout).identities.map((identity: { name: string }) => identity.name),
    fromCache: result.stderr.includes('compiled configuration is fresh'),
  };
};

const compiledFiles = (sandbox: Sandbox) => sandbox.files('.cache/rolecall/compiled').sort();

describe('the compiled configuration', () => {
  it('is saved privately and reused while no source changes', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', `${SSO_PROVIDER}  identities:\n    ci: { kind: aws/user }\n`);

    expect(await names(sandbox)).toEqual({ names: ['ci'], fromCache: false });
    expect(await names(sandbox)).toEqual({ names: ['ci'], fromCache: true });

    const files = compiledFiles(sandbox);
    expect(files).toHaveLength(2);
    for (const file of files) expect(statSync(sandbox.path('.cache/rolecall/compiled', file)).mode & 0o777).toBe(0o600);
    expect(statSync(sandbox.path('.cache/rolecall/compiled')).mode & 0o777).toBe(0o700);
  });

  it('is rebuilt when a source file changes', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', 'auth:\n  identities:\n    one: { kind: aws/user }\n', 120);
    await names(sandbox);
    sandbox.write('rolecall.yaml', 'auth:\n  identities:\n    two: { kind: aws/user }\n', 60);
    expect(await names(sandbox)).toEqual({ names: ['two'], fromCache: false });
  });

  it('picks up a provisioned file that appears after the first run (a login)', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', SSO_PROVIDER);
    expect((await names(sandbox)).names).toEqual([]);
    sandbox.writeProvisioned(
      'sso-prod',
      `auth:\n  identities:\n${provisionedIdentity('sandbox', '111111111111', 'Admin')}`,
    );
    expect(await names(sandbox)).toEqual({ names: ['sandbox/Admin'], fromCache: false });
  });

  it('picks up a new file matching a glob import', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', 'import: ["auth.d/*.yaml"]\n');
    sandbox.write('auth.d/a.yaml', 'auth:\n  identities:\n    a: { kind: aws/user }\n');
    expect((await names(sandbox)).names).toEqual(['a']);
    expect((await names(sandbox)).fromCache).toBe(true);
    sandbox.write('auth.d/b.yaml', 'auth:\n  identities:\n    b: { kind: aws/user }\n');
    expect(await names(sandbox)).toEqual({ names: ['a', 'b'], fromCache: false });
  });

  it('is not saved when a source changed while it was being compiled', async () => {
    const sandbox = new Sandbox();
    // A modification time after the compile started is what an edit during compilation leaves.
    sandbox.write('rolecall.yaml', 'auth:\n  identities:\n    now: { kind: aws/user }\n', -30);
    await names(sandbox);
    expect(compiledFiles(sandbox)).toEqual([]);
  });

  it('is rebuilt when it is damaged, which one warning reports', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', 'auth:\n  identities:\n    ok: { kind: aws/user }\n');
    await names(sandbox);
    const compiled = compiledFiles(sandbox).find((file) => !file.includes('origins'))!;
    const path = sandbox.path('.cache/rolecall/compiled', compiled);
    const damages = {
      '': 'it is empty',
      '{"format":': 'it is not valid JSON: cut short or overwritten',
      null: 'it is not what rolecall writes',
      '{"format":1}': 'it is not what rolecall writes',
      [readFileSync(path, 'utf8').slice(0, 50)]: 'it is not valid JSON: cut short or overwritten',
    };
    for (const [garbage, damage] of Object.entries(damages)) {
      writeFileSync(path, garbage);
      const result = await sandbox.run(['list', '--format', 'json']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        `warning: The compiled configuration ${path} was damaged (${damage}); removed it, compiling it again from its sources.\n`,
      );
      expect(JSON.parse(result.stdout).identities[0].name).toBe('ok');
      const next = await sandbox.run(['list', '--format', 'json', '--log-level', 'debug']);
      expect(next.stderr).toContain('compiled configuration is fresh');
      expect(next.stderr).not.toContain('warning:');
    }
  });

  it('is compiled again without a word when another version of rolecall wrote it', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', 'auth:\n  identities:\n    ok: { kind: aws/user }\n');
    await names(sandbox);
    const compiled = compiledFiles(sandbox).find((file) => !file.includes('origins'))!;
    const path = sandbox.path('.cache/rolecall/compiled', compiled);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), build: 'an older build' }));
    const result = await sandbox.run(['list', '--format', 'json', '--log-level', 'debug']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('configuration compiled from its sources');
    expect(result.stderr).not.toContain('warning:');
  });

  it('serves origins from the saved positions', async () => {
    const sandbox = new Sandbox();
    const main = sandbox.write('rolecall.yaml', 'auth:\n  identities:\n    ok: { kind: aws/user }\n');
    await names(sandbox);
    const result = await sandbox.run(['config', 'show', '--origins', '--format', 'json', '--log-level', 'debug']);
    expect(result.stderr).toContain('compiled configuration is fresh');
    expect(JSON.parse(result.stdout).origins['/auth/identities/ok/kind']).toBe(`${main}:3:11`);
  });
});
