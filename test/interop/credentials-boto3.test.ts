import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { startProcess } from '../support/cli.js';
import { HOSTILE_IDENTITY, HOSTILE_IDENTITY_CONFIG, opCount, signedInSandbox } from '../support/emulator.js';
import { findPythonWithBoto3 } from '../support/python.js';

const SCRIPT = join(import.meta.dirname, 'print_caller.py');

const { python: found, problem } = findPythonWithBoto3();
if (!found && !process.env['CI']) console.warn(`skipping the boto3 credential tests: ${problem}`);
const skip = !found && !process.env['CI'];
/**
 * The interpreter itself rather than a shim (pyenv's finds its Python through HOME, which the
 * sandbox replaces). Asked now: no blocking child process may run once the emulator does.
 */
const python = found
  ? spawnSync(found, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim() || found
  : undefined;

interface Call {
  Account: string;
  Arn: string;
  AccessKeyId: string;
}

async function setUp(emulator: EmulatorOptions = {}) {
  if (!python) throw new Error(`${problem}: CI must provide it (.ci/run installs python3-boto3)`);
  const signedIn = await signedInSandbox({ emulator, config: HOSTILE_IDENTITY_CONFIG });
  const { sandbox, env } = signedIn;
  /** boto3 on its own, with what an AWS user's shell would have. */
  const runPython = (args: string[], extra: NodeJS.ProcessEnv) =>
    startProcess(python, [SCRIPT, ...args], {
      cwd: sandbox.home,
      env: { ...sandbox.env, ...env, AWS_EC2_METADATA_DISABLED: 'true', ...extra },
    }).done;
  return { ...signedIn, runPython, python };
}

const calls = (stdout: string): Call[] => {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`not JSON: ${JSON.stringify(stdout)}`);
  }
};

describe('boto3 with credentials from rolecall', () => {
  it.skipIf(skip)(
    'calls STS as the identity through a profile that `aws-config --write` made, for plain and awkward names',
    async () => {
      const { sandbox, run, runPython } = await setUp();
      const configFile = sandbox.path('.aws', 'config');
      const write = await run(['aws-config', '--write', configFile]);
      expect(write.code, write.stderr).toBe(0);
      const text = readFileSync(configFile, 'utf8');
      const expectations = [
        {
          identity: 'production/AdministratorAccess',
          profile: 'production/AdministratorAccess',
          account: '222222222222',
          arn: /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/,
        },
        {
          identity: 'Équipe Données/DataScientist',
          profile: 'Equipe-Donnees/DataScientist',
          account: '210987654321',
          arn: /^arn:aws:sts::210987654321:assumed-role\/AWSReservedSSO_DataScientist_[0-9a-f]{16}\/alice@example\.com$/,
        },
        {
          identity: HOSTILE_IDENTITY,
          profile: 'dev-s-HOME-x-uni',
          account: '333333333333',
          arn: /^arn:aws:sts::333333333333:assumed-role\/Deployer\/interop$/,
        },
      ];

      for (const { identity, profile, account, arn } of expectations) {
        // A profile named otherwise than its identity says which identity it is.
        const header = profile === identity ? '' : `# rolecall identity ${identity}\n`;
        expect(text, identity).toContain(`${header}[profile ${profile}]\n`);
        const result = await runPython([], {
          AWS_CONFIG_FILE: configFile,
          AWS_SHARED_CREDENTIALS_FILE: sandbox.path('.aws', 'credentials'),
          AWS_PROFILE: profile,
        });
        expect(result.code, `${identity}: ${result.stderr}`).toBe(0);
        const [call] = calls(result.stdout);
        expect(call!.Account, identity).toBe(account);
        expect(call!.Arn, identity).toMatch(arn);
      }
    },
  );

  it.skipIf(skip)('calls STS as the identity from plain boto3 run by `rolecall exec`', async () => {
    const { run, python } = await setUp();

    const result = await run(['exec', '--identity', 'sandbox (555555555556)/ReadOnlyAccess', '--', python!, SCRIPT], {
      // What the parent shell had must not leak into the child's choice of credentials.
      AWS_ACCESS_KEY_ID: 'AKIAPARENTPARENTPARE',
      AWS_SECRET_ACCESS_KEY: 'parent-secret',
      AWS_PROFILE: 'parent-profile',
    });

    expect(result.code, result.stderr).toBe(0);
    const [call] = calls(result.stdout);
    expect(call!.Account).toBe('555555555556');
    expect(call!.Arn).toMatch(
      /^arn:aws:sts::555555555556:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/alice@example\.com$/,
    );
    expect(call!.AccessKeyId).toMatch(/^ASIA/);
  });

  it.skipIf(skip)(
    'keeps a boto3 child working past the expiry of its first credentials, with fresh ones from credential_process',
    { timeout: 60_000 },
    async () => {
      // Credentials live 15 s: every credential_process call fetches new ones, and botocore refreshes
      // before each request (less than its 15 minutes left). The second call comes after the first
      // credentials have expired, so only a refresh lets it through.
      const ttl = 15;
      const { emu, run, python } = await setUp({ credentialTtl: ttl });

      const result = await run([
        'exec',
        '--identity',
        'production/ReadOnlyAccess',
        '--',
        python!,
        SCRIPT,
        '2',
        String(ttl + 3),
      ]);

      expect(result.code, result.stderr).toBe(0);
      const [first, second] = calls(result.stdout);
      for (const call of [first!, second!]) {
        expect(call.Account).toBe('222222222222');
        expect(call.Arn).toMatch(
          /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\//,
        );
        expect(call.AccessKeyId).toMatch(/^ASIA/);
      }
      expect(second!.AccessKeyId).not.toBe(first!.AccessKeyId);
      expect(opCount(emu, 'GetRoleCredentials')).toBeGreaterThanOrEqual(2);
      expect(opCount(emu, 'GetCallerIdentity')).toBe(2);
    },
  );
});
