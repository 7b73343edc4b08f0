import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { startProcess } from '../support/cli.js';
import { findPythonWithBoto3 } from '../support/python.js';

const START_URL = 'https://d-9067000000.awsapps.com/start';
const SESSION_NAME = 'emu';
const SCRIPT = join(import.meta.dirname, 'boto3_sso.py');

const { python, problem } = findPythonWithBoto3();
if (!python && !process.env['CI']) console.warn(`skipping the boto3 interop tests: ${problem}`);

const runPython = async (interpreter: string, args: string[], env: NodeJS.ProcessEnv) => {
  const { code, stdout, stderr } = await startProcess(interpreter, args, { env }).done;
  return { status: code, stdout, stderr };
};

/** The AWS CLI writes `%Y-%m-%dT%H:%M:%SZ` timestamps into its token cache (docs/aws-wire-protocol.md §6.1). */
const cliTimestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const AWS_CONFIG = `[profile emu-dev]
sso_session = ${SESSION_NAME}
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile emu-chained]
source_profile = emu-dev
role_arn = arn:aws:iam::333333333333:role/Deployer
role_session_name = interop
region = us-east-1

[sso-session ${SESSION_NAME}]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`;

/** Signs in as `aws sso login` would and leaves a token cache that is 5 minutes from expiring. */
const loginLikeTheAwsCli = async (emulator: Emulator, home: string): Promise<{ cacheFile: string; token: string }> => {
  const oidc = new SSOOIDCClient({ region: 'us-east-1', endpoint: emulator.url });
  const registration = await oidc.send(
    new RegisterClientCommand({
      clientName: `botocore-client-${SESSION_NAME}`,
      clientType: 'public',
      scopes: ['sso:account:access'],
    }),
  );
  const { clientId, clientSecret } = registration;
  const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }));
  const tokens = await oidc.send(
    new CreateTokenCommand({
      clientId,
      clientSecret,
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: device.deviceCode,
    }),
  );
  const cacheDir = join(home, '.aws', 'sso', 'cache');
  await mkdir(cacheDir, { recursive: true });
  const cacheFile = join(cacheDir, `${createHash('sha1').update(SESSION_NAME).digest('hex')}.json`);
  await writeFile(
    cacheFile,
    JSON.stringify({
      startUrl: START_URL,
      region: 'us-east-1',
      accessToken: tokens.accessToken,
      expiresAt: cliTimestamp(Date.now() + 5 * 60_000),
      clientId,
      clientSecret,
      registrationExpiresAt: cliTimestamp((registration.clientSecretExpiresAt ?? 0) * 1000),
      refreshToken: tokens.refreshToken,
    }),
    { mode: 0o600 },
  );
  return { cacheFile, token: tokens.accessToken ?? '' };
};

describe('botocore and boto3 against the emulator', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ autoApprove: true });
  });

  afterAll(() => emulator?.close());

  it.skipIf(!python && !process.env['CI'])(
    'refresh the cached token, fetch role credentials, sign STS calls and page through the portal',
    async () => {
      if (!python) throw new Error(`${problem}: CI must provide it (.ci/run installs python3-boto3)`);
      const home = await mkdtemp(join(tmpdir(), 'rolecall-boto3-'));
      await mkdir(join(home, '.aws'), { recursive: true });
      await writeFile(join(home, '.aws', 'config'), AWS_CONFIG);
      const { cacheFile, token } = await loginLikeTheAwsCli(emulator, home);
      emulator.resetStats();

      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: home,
        AWS_CONFIG_FILE: join(home, '.aws', 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...emulator.env,
      };
      const run = await runPython(python, [SCRIPT, cacheFile], env);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const result = JSON.parse(run.stdout);
      const modern = /^1\.(3[1-9]|[4-9]\d)\./.test(result.botocore);
      expect(result.endpoints).toBe(modern ? 'AWS_ENDPOINT_URL' : 'AWS_DATA_PATH');

      expect(result.identity.Account).toBe('111111111111');
      expect(result.identity.Arn).toMatch(
        /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/,
      );
      expect(result.identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:alice@example\.com$/);
      expect(result.chained).toEqual({
        Account: '333333333333',
        Arn: 'arn:aws:sts::333333333333:assumed-role/Deployer/interop',
      });
      expect(result.accounts).toEqual(emulator.org.accounts.map((account) => account.name));
      expect(result.roles).toEqual(['AdministratorAccess', 'Billing', 'ReadOnlyAccess']);
      expect(result.forbidden).toBe('ForbiddenException');
      expect(result.tooMany).toBe('InvalidRequestException');

      // botocore refreshed the almost-expired token and rewrote the cache with the rotated refresh token.
      const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
      expect(cache.accessToken).not.toBe(token);
      expect(cache.refreshToken).toMatch(/^aor/);
      expect(new Date(cache.expiresAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
      expect(emulator.stats().requests).toMatchObject({
        CreateToken: 1,
        GetRoleCredentials: 3,
        GetCallerIdentity: 2,
        AssumeRole: 1,
        ListAccounts: 4,
        ListAccountRoles: 1,
      });
    },
  );
});
