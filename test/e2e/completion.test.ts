import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, Sandbox, startProcess } from '../support/cli.js';

const CONFIG = `auth:
  providers:
    sso-prod:
      kind: aws/iam-identity-center
      start_url: https://my-org.awsapps.com/start
      region: us-east-1
    sso dev:
      kind: aws/iam-identity-center
      start_url: https://dev-org.awsapps.com/start
      region: eu-west-1
  identities:
    ci-user: { kind: aws/user }
    team/admin role:
      kind: aws/assume-role
      via: { provider: sso-prod }
      principal: { assume_role: "arn:aws:iam::123456789012:role/Admin" }
`;

/** A sandbox with `rolecall` on PATH, as an installed CLI is, and a configuration to complete from. */
function setUp() {
  const sandbox = new Sandbox();
  sandbox.write('rolecall.yaml', CONFIG);
  const bin = sandbox.path('bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'rolecall'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`,
  );
  chmodSync(join(bin, 'rolecall'), 0o755);
  const env = { ...sandbox.env, PATH: `${bin}:${process.env['PATH']}` };
  const shell = async (program: string, args: string[]) => {
    const result = await startProcess(program, args, { cwd: sandbox.home, env }).done;
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean).sort();
  };
  return { sandbox, shell };
}

/** Completes a command line in bash the way bash does: the words so far, the last one being typed. */
async function bashCompletes(line: string, shell: ReturnType<typeof setUp>['shell']) {
  const words = line.split(' ');
  const script = `source <(rolecall completion bash)
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_rolecall; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return shell('bash', ['-c', script]);
}

describe('bash completion', () => {
  it.each([
    [
      'rolecall ',
      [
        'aws-config',
        'completion',
        'config',
        'console',
        'credential-process',
        'emulator',
        'env',
        'exec',
        'list',
        'login',
        'logout',
        'provision',
        'shell',
        'terraform',
        'tofu',
        'user-keys',
        'validate',
        'whoami',
      ],
    ],
    ['rolecall whoami --identity ci', ['ci-user']],
    ['rolecall lo', ['login', 'logout']],
    ['rolecall config ', ['schema', 'show']],
    ['rolecall completion ', ['bash', 'fish', 'zsh']],
    ['rolecall list --format ', ['json', 'table', 'tree', 'yaml']],
    ['rolecall --log-level debug li', ['list']],
    ['rolecall config show --f', ['--format']],
    ['rolecall logout --', ['--all', '--config', '--help', '--log-level', '--no-color', '--provider', '--version']],
  ])('completes %j', async (line, expected) => {
    expect(await bashCompletes(line, setUp().shell)).toEqual(expected);
  });

  it('completes provider names from the configuration, spaces included', async () => {
    const { shell } = setUp();
    expect(await bashCompletes('rolecall login --provider ', shell)).toEqual(['sso dev', 'sso-prod']);
    expect(await bashCompletes('rolecall list --provider sso-', shell)).toEqual(['sso-prod']);
  });
});

describe('names for completion', () => {
  it('lists providers and identities, one per line, and nothing at all for a broken config', async () => {
    const { sandbox } = setUp();
    expect((await sandbox.run(['__complete', 'identities'])).stdout).toBe('ci-user\nteam/admin role\n');
    sandbox.write('rolecall.yaml', 'auth: [broken\n');
    expect(await sandbox.run(['__complete', 'providers'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('zsh completion', () => {
  it('runs the same completion through bashcompinit', async () => {
    const { shell } = setUp();
    const script = `autoload -U compinit && compinit -u
eval "$(rolecall completion zsh)"
setopt ksharrays
COMP_WORDS=(rolecall login --provider ''); COMP_CWORD=3
_rolecall; print -l "\${COMPREPLY[@]}"`;
    expect(await shell('zsh', ['-f', '-c', script])).toEqual(['sso dev', 'sso-prod']);
  });
});

describe('fish completion', () => {
  it('completes commands with their summaries, flags and provider names', async () => {
    const { shell } = setUp();
    const complete = (line: string) =>
      shell('fish', ['--no-config', '-c', `rolecall completion fish | source; complete -C ${JSON.stringify(line)}`]);
    expect((await complete('rolecall lo')).map((entry) => entry.split('\t')[0])).toEqual(['login', 'logout']);
    expect((await complete('rolecall login --provider ')).map((entry) => entry.split('\t')[0])).toEqual([
      'sso dev',
      'sso-prod',
    ]);
    expect((await complete('rolecall list --fo')).map((entry) => entry.split('\t')[0])).toEqual(['--format']);
  });
});
