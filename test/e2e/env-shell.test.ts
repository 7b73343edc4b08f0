import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { cliPath, repoRoot, runEnv, Sandbox, startProcess } from '../support/cli.js';
import {
  HOSTILE_IDENTITY,
  HOSTILE_IDENTITY_CONFIG,
  type SignedInSandbox,
  signedInSandbox,
} from '../support/emulator.js';

const ADMIN = 'production/AdministratorAccess';

/** The variables `env` sets, in the order it prints them. */
const PRINTED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_EC2_METADATA_DISABLED',
  'ROLECALL_IDENTITY',
];

/** Variables from the surrounding shell that would fight the printed keys; a format may clear them. */
const CLEARABLE = new Set([
  'AWS_SECURITY_TOKEN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_SDK_LOAD_CONFIG',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
]);

/** How each shell format may clear variables: the names are in the first group that matched. */
const UNSET: Record<string, RegExp> = {
  bash: /^unset (?:-v )?(\w+(?: \w+)*);?$/,
  fish: /^set (?:-e|--erase)(?: -g| --global)? (\w+(?: \w+)*);?$/,
  powershell:
    /^(?:Remove-Item (?:-Path )?(?:Env:(\w+)|"Env:(\w+)"|'Env:(\w+)')(?: -ErrorAction (?:SilentlyContinue|Ignore))?|\$Env:(\w+) = \$null);?$/,
};

/**
 * The lines of `text` that set variables; every other line must clear some of the variables that
 * would fight the printed ones, in the format's own syntax.
 */
function settingLines(text: string, format: string): string[] {
  expect(text.endsWith('\n'), 'ends with a line break').toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return lines.filter((line) => {
    const match = UNSET[format]?.exec(line);
    if (!match) return true;
    const names = match
      .slice(1)
      .find((group) => group !== undefined)!
      .split(' ');
    for (const name of names) expect(CLEARABLE.has(name), line).toBe(true);
    return false;
  });
}

const fishProbe = spawnSync('fish', ['--version'], { encoding: 'utf8' });
const fish = fishProbe.status === 0;
if (!fish && !process.env['CI']) console.warn('skipping the fish tests: fish is not installed');

/** Calls STS GetCallerIdentity through the AWS SDK for JavaScript's default credential chain. */
const CALLER = `const { STSClient, GetCallerIdentityCommand } = require(require.resolve('@aws-sdk/client-sts', { paths: [${JSON.stringify(repoRoot)}] }));
new STSClient({}).send(new GetCallerIdentityCommand({})).then(
  (identity) => process.stdout.write(JSON.stringify({ Account: identity.Account, Arn: identity.Arn, identity: process.env.ROLECALL_IDENTITY })),
  (error) => { process.stderr.write(error.name + ': ' + error.message + '\\n'); process.exit(1); },
);
`;

/** A stand-in for $SHELL: prints its AWS and rolecall variables, then exits 3. */
const PRINTING_SHELL = `#!${process.execPath}
const fs = require('node:fs');
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(AWS_|ROLECALL_)/.test(name)));
const file = process.env.AWS_CONFIG_FILE;
process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env, config: file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null }));
process.exit(3);
`;

/** A $SHELL that switches to another identity with `rolecall env` and asks the AWS SDK who it is. */
const SWITCHING_SHELL = `#!/bin/sh
eval "$("$RC_NODE" "$RC_CLI" env --identity staging/ReadOnlyAccess)" || exit 9
exec "$RC_NODE" "$RC_CALLER"
`;

describe('rolecall env and rolecall shell', () => {
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;
  let run: SignedInSandbox['run'];
  const sandbox = new Sandbox();
  const caller = sandbox.path('scripts', 'caller.cjs');
  /** Runs a shell in the sandbox, as a user at their prompt would. */
  const shell = (command: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    startProcess(command, args, { cwd: sandbox.home, env: { ...sandbox.env, ...env, ...extra } }).done;
  /** The identity's variables, as `env --format json` gives them. */
  const variables = async (identity: string): Promise<Record<string, string>> => {
    const result = await run(['env', '--identity', identity, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    sandbox.write(join('scripts', 'caller.cjs'), CALLER);
    chmodSync(sandbox.write(join('scripts', 'printing-shell'), PRINTING_SHELL), 0o755);
    chmodSync(sandbox.write(join('scripts', 'switching-shell'), SWITCHING_SHELL), 0o755);
    ({ emu, env, run } = await signedInSandbox({
      sandbox,
      config: HOSTILE_IDENTITY_CONFIG,
      env: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        RC_NODE: process.execPath,
        RC_CLI: cliPath,
        RC_CALLER: caller,
      },
    }));
  });

  describe('rolecall env', () => {
    it("prints JSON with the identity's keys, their expiry, the region and the identity, and nothing on stderr", async () => {
      const result = await run(['env', '--identity', ADMIN, '--format', 'json']);

      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const printed = JSON.parse(result.stdout);
      expect(Object.keys(printed)).toEqual(PRINTED);
      expect(printed).toMatchObject({
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        ROLECALL_IDENTITY: ADMIN,
      });
      expect(printed.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(printed.AWS_SECRET_ACCESS_KEY).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(printed.AWS_SESSION_TOKEN.length).toBeGreaterThan(100);
      expect(Date.parse(printed.AWS_CREDENTIAL_EXPIRATION)).toBeGreaterThan(Date.now());
    });

    it('prints bash by default, one export in single quotes per variable', async () => {
      const vars = await variables(ADMIN);

      const result = await run(['env', '--identity', ADMIN]);

      expect(result.code, result.stderr).toBe(0);
      expect(settingLines(result.stdout, 'bash')).toEqual(PRINTED.map((name) => `export ${name}='${vars[name]}'`));
    });

    it('prints fish, powershell and dotenv in their own syntax', async () => {
      const vars = await variables(ADMIN);
      const expected: Record<string, (name: string, value: string) => string> = {
        fish: (name, value) => `set -gx ${name} '${value}';`,
        powershell: (name, value) => `$Env:${name} = '${value}'`,
        dotenv: (name, value) => `${name}='${value}'`,
      };

      for (const [format, line] of Object.entries(expected)) {
        const result = await run(['env', '--identity', ADMIN, '--format', format]);
        expect(result.code, result.stderr).toBe(0);
        const lines =
          format === 'dotenv' ? result.stdout.slice(0, -1).split('\n') : settingLines(result.stdout, format);
        expect(lines, format).toEqual(PRINTED.map((name) => line(name, vars[name]!)));
      }
    });

    it("quotes an identity's name so that each shell reads it literally", async () => {
      const expected: Record<string, string> = {
        bash: `export ROLECALL_IDENTITY='dev'\\''s $HOME \`x\` \\ ünï'`,
        fish: `set -gx ROLECALL_IDENTITY 'dev\\'s $HOME \`x\` \\\\ ünï';`,
        powershell: `$Env:ROLECALL_IDENTITY = 'dev''s $HOME \`x\` \\ ünï'`,
      };
      for (const [format, line] of Object.entries(expected)) {
        const result = await run(['env', '--identity', HOSTILE_IDENTITY, '--format', format]);
        expect(result.code, result.stderr).toBe(0);
        expect(settingLines(result.stdout, format).at(-1), format).toBe(line);
      }
      const json = await run(['env', '--identity', HOSTILE_IDENTITY, '--format', 'json']);
      expect(JSON.parse(json.stdout).ROLECALL_IDENTITY).toBe(HOSTILE_IDENTITY);
    });

    it('refuses dotenv for a name dotenv cannot spell with an error of its own, not an unexpected failure', async () => {
      const result = await run(['env', '--identity', HOSTILE_IDENTITY, '--format', 'dotenv']);

      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('dotenv');
      expect(result.stderr).not.toContain('unexpected failure');
      expect(result.code).toBe(2);
    });

    it('gives a working environment to eval in bash: an AWS SDK call is then the identity, over inherited keys', async () => {
      const result = await shell(
        'bash',
        ['-c', 'eval "$("$RC_NODE" "$RC_CLI" env --identity "$ID")" && exec "$RC_NODE" "$RC_CALLER"'],
        {
          ID: HOSTILE_IDENTITY,
          AWS_ACCESS_KEY_ID: 'AKIAPARENTPARENTPARE',
          AWS_SECRET_ACCESS_KEY: 'parent-secret',
          AWS_SESSION_TOKEN: 'parent-token',
          AWS_REGION: 'eu-central-1',
        },
      );

      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        Account: '333333333333',
        Arn: 'arn:aws:sts::333333333333:assumed-role/Deployer/interop',
        identity: HOSTILE_IDENTITY,
      });
    });

    it.skipIf(!fish && !process.env['CI'])(
      'gives a working environment to source in fish, the identity read back exactly',
      async () => {
        if (!fish) throw new Error('fish is missing: CI must provide it (.ci/run installs fish)');
        const result = await shell(
          'fish',
          ['--no-config', '-c', '$RC_NODE $RC_CLI env --identity $ID --format fish | source; exec $RC_NODE $RC_CALLER'],
          { ID: HOSTILE_IDENTITY },
        );

        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({
          Account: '333333333333',
          Arn: 'arn:aws:sts::333333333333:assumed-role/Deployer/interop',
          identity: HOSTILE_IDENTITY,
        });
      },
    );

    it('switches an AWS SDK to another identity when evaluated inside rolecall shell', async () => {
      // `rolecall shell` sets AWS_PROFILE, which the AWS SDK for JavaScript prefers to keys in the environment.
      const result = await run(['shell', '--identity', 'production/ReadOnlyAccess'], {
        SHELL: sandbox.path('scripts', 'switching-shell'),
      });

      expect(result.code, result.stderr).toBe(0);
      const seen = JSON.parse(result.stdout);
      expect(seen.identity).toBe('staging/ReadOnlyAccess');
      expect(seen.Account).toBe('333333333333');
    });
  });

  describe('rolecall shell', () => {
    it("runs $SHELL with the same environment as exec and exits with the shell's code", async () => {
      const result = await run(['shell', '--identity', ADMIN], {
        SHELL: sandbox.path('scripts', 'printing-shell'),
        AWS_ACCESS_KEY_ID: 'AKIAPARENTPARENTPARE',
        AWS_SECRET_ACCESS_KEY: 'parent-secret',
        AWS_SESSION_TOKEN: 'parent-token',
        AWS_PROFILE: 'parent-profile',
      });

      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`Starting ${sandbox.path('scripts', 'printing-shell')} as ${ADMIN}`);
      const { argv, env: seen, config } = JSON.parse(result.stdout);
      expect(argv).toEqual([]);
      const configFile: string = seen.AWS_CONFIG_FILE;
      expect(dirname(dirname(configFile))).toBe(sandbox.path('.local', 'state', 'rolecall', 'run'));
      expect(seen).toEqual({
        ...runEnv(configFile, ADMIN),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...emu.env,
        ROLECALL_KEYRING: 'file',
      });
      expect(config).toContain(
        `credential_process = ${process.execPath} ${cliPath} --config ${sandbox.path('rolecall.yaml')} credential-process --identity ${ADMIN}\n`,
      );
      expect(sandbox.files('.local/state/rolecall/run')).toEqual([]);
    });

    it('falls back to /bin/sh when SHELL is not set', async () => {
      const result = await run(['shell', '--identity', ADMIN], { SHELL: undefined });

      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`Starting /bin/sh as ${ADMIN}`);
    });
  });
});
