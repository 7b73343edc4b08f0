import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import {
  CreateTokenCommand,
  type CreateTokenCommandOutput,
  RegisterClientCommand,
  type RegisterClientCommandInput,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export const START_URL = 'https://d-9067000000.awsapps.com/start';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const REGION = 'us-east-1';

/** A clock that moves only when told to. */
export interface ManualClock {
  (): number;
  advance(ms: number): void;
}

export const manualClock = (start = Date.now()): ManualClock => {
  let now = start;
  return Object.assign(() => now, {
    advance: (ms: number) => {
      now += ms;
    },
  });
};

const running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

/** An emulator on a free loopback port, closed after the test. */
export const emulatorFor = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
};

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Real AWS SDK v3 clients pointed at the emulator; no retries, so every error is seen as sent. */
export const sdkClients = (emulator: Emulator) => ({
  oidc: new SSOOIDCClient({ region: REGION, endpoint: emulator.url, maxAttempts: 1 }),
  sso: new SSOClient({ region: REGION, endpoint: emulator.url, maxAttempts: 1 }),
  sts: ({ accessKeyId, secretAccessKey, sessionToken }: Credentials, region = REGION) =>
    new STSClient({
      region,
      endpoint: emulator.url,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      maxAttempts: 1,
    }),
});

export const registerClient = (oidc: SSOOIDCClient, input: Partial<RegisterClientCommandInput> = {}) =>
  oidc.send(
    new RegisterClientCommand({
      clientName: 'rolecall-test',
      clientType: 'public',
      scopes: ['sso:account:access'],
      ...input,
    }),
  );

/** Signs in through the device flow, approving the code through the control API as the user would. */
export const signIn = async (
  emulator: Emulator,
): Promise<CreateTokenCommandOutput & { clientId: string; clientSecret: string }> => {
  const { oidc } = sdkClients(emulator);
  const { clientId = '', clientSecret = '' } = await registerClient(oidc);
  const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl: START_URL }));
  emulator.approve(device.userCode ?? '');
  const tokens = await oidc.send(
    new CreateTokenCommand({ clientId, clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode: device.deviceCode }),
  );
  return { ...tokens, clientId, clientSecret };
};

export const roleCredentials = async (
  emulator: Emulator,
  accessToken: string,
  accountId: string,
  roleName: string,
): Promise<Credentials & { expiration: number }> => {
  const { roleCredentials: creds } = await sdkClients(emulator).sso.send(
    new GetRoleCredentialsCommand({ accessToken, accountId, roleName }),
  );
  return {
    accessKeyId: creds?.accessKeyId ?? '',
    secretAccessKey: creds?.secretAccessKey ?? '',
    sessionToken: creds?.sessionToken ?? '',
    expiration: creds?.expiration ?? 0,
  };
};

/** The error a promise rejects with, for assertions on its name and fields. */
export const failure = async (promise: Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, and it succeeded');
};
