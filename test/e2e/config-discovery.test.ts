import { describe, expect, it } from 'vitest';
import { Sandbox } from '../support/cli.js';

/** A config whose one identity's name says which file it came from. */
const marked = (name: string) => `auth:\n  identities:\n    ${name}: { kind: aws/user }\n`;

async function chosen(sandbox: Sandbox, options: { cwd?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}) {
  const result = await sandbox.run(['list', '--format', 'json', ...(options.args ?? [])], options);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout).identities.map((identity: { name: string }) => identity.name);
}

describe('finding the configuration file', () => {
  it('prefers --config, then ROLECALL_CONFIG, then the working folder, then the user config', async () => {
    const sandbox = new Sandbox();
    sandbox.write('flag.yaml', marked('from-flag'));
    sandbox.write('env.yaml', marked('from-env'));
    sandbox.write('work/rolecall.yaml', marked('from-search'));
    sandbox.write('.config/rolecall/config.yaml', marked('from-user'));
    const cwd = sandbox.path('work');
    const env = { ROLECALL_CONFIG: sandbox.path('env.yaml') };

    expect(await chosen(sandbox, { cwd, env, args: ['--config', sandbox.path('flag.yaml')] })).toEqual(['from-flag']);
    expect(await chosen(sandbox, { cwd, env })).toEqual(['from-env']);
    expect(await chosen(sandbox, { cwd })).toEqual(['from-search']);
    expect(await chosen(sandbox, { cwd: sandbox.path('.config') })).toEqual(['from-user']);
  });

  it('resolves --config relative to the working folder', async () => {
    const sandbox = new Sandbox();
    sandbox.write('work/conf/mine.yaml', marked('relative'));
    expect(await chosen(sandbox, { cwd: sandbox.path('work'), args: ['--config', 'conf/mine.yaml'] })).toEqual([
      'relative',
    ]);
  });

  it('searches upward from the working folder, the nearest folder first', async () => {
    const sandbox = new Sandbox();
    sandbox.write('repo/atmos.yaml', marked('repo-atmos'));
    sandbox.write('repo/stacks/.rolecall.yaml', marked('stacks-hidden'));
    sandbox.write('repo/stacks/deep/er/.keep', '');

    expect(await chosen(sandbox, { cwd: sandbox.path('repo/stacks/deep/er') })).toEqual(['stacks-hidden']);
    expect(await chosen(sandbox, { cwd: sandbox.path('repo') })).toEqual(['repo-atmos']);
  });

  it('takes rolecall.yaml over .rolecall.yaml over atmos.yaml in one folder', async () => {
    const sandbox = new Sandbox();
    sandbox.write('atmos.yaml', marked('atmos'));
    expect(await chosen(sandbox)).toEqual(['atmos']);
    sandbox.write('.rolecall.yaml', marked('hidden'));
    expect(await chosen(sandbox)).toEqual(['hidden']);
    sandbox.write('rolecall.yaml', marked('plain'));
    expect(await chosen(sandbox)).toEqual(['plain']);
  });

  it('works with no configuration at all', async () => {
    const sandbox = new Sandbox();
    const result = await sandbox.run(['list', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ providers: [], identities: [] });
  });

  it.each([
    [['--config', 'nope.yaml'], {}, '--config'],
    [[], { ROLECALL_CONFIG: 'nope.yaml' }, 'ROLECALL_CONFIG'],
  ])('fails with exit 2 when the named file does not exist (%j %j)', async (args, env, source) => {
    const sandbox = new Sandbox();
    const result = await sandbox.run(['list', ...args], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: config file ${sandbox.path('nope.yaml')} (from ${source}) does not exist`);
    expect(result.stderr).toContain('hint: check');
  });
});
