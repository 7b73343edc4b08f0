import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import {
  type Credentials,
  emulatorFor,
  failure,
  type ManualClock,
  manualClock,
  roleCredentials,
  sdkClients,
  signIn,
} from './helpers.js';

const DEPLOYER = 'arn:aws:iam::333333333333:role/Deployer';

const withRoleCredentials = async (options: { clock?: ManualClock; credentialTtl?: number } = {}) => {
  const emulator = await emulatorFor(options);
  const { accessToken = '' } = await signIn(emulator);
  const creds = await roleCredentials(emulator, accessToken, '111111111111', 'AdministratorAccess');
  return { emulator, creds, sts: (credentials: Credentials = creds) => sdkClients(emulator).sts(credentials) };
};

const assumeRole = (sts: STSClient, durationSeconds?: number) =>
  sts.send(new AssumeRoleCommand({ RoleArn: DEPLOYER, RoleSessionName: 'alice', DurationSeconds: durationSeconds }));

const credentialsOf = (output: Awaited<ReturnType<typeof assumeRole>>): Credentials => ({
  accessKeyId: output.Credentials?.AccessKeyId ?? '',
  secretAccessKey: output.Credentials?.SecretAccessKey ?? '',
  sessionToken: output.Credentials?.SessionToken ?? '',
});

/** Changes the body after the SDK signed it, as a man in the middle would (same length: Content-Length stays right). */
const tamperBodyAfterSigning = (sts: STSClient) => {
  sts.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { body: string };
      request.body = request.body.replace('RoleSessionName=alice', 'RoleSessionName=carol');
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
  );
  return sts;
};

const stsError = async (emulator: Emulator, init: RequestInit) => {
  const response = await fetch(emulator.url, init);
  return { status: response.status, body: await response.text() };
};

describe('GetCallerIdentity', () => {
  it('names the permission set role session as AWS does', async () => {
    const { sts } = await withRoleCredentials();
    const identity = await sts().send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('111111111111');
    expect(identity.Arn).toMatch(
      /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/,
    );
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:alice@example\.com$/);
  });

  it('gives the same role name on every run', async () => {
    const first = await (await withRoleCredentials()).sts().send(new GetCallerIdentityCommand({}));
    const second = await (await withRoleCredentials()).sts().send(new GetCallerIdentityCommand({}));
    expect(second.Arn).toBe(first.Arn);
    expect(second.UserId).toBe(first.UserId);
  });

  it('accepts signatures made for any region', async () => {
    const { emulator, creds } = await withRoleCredentials();
    const identity = await sdkClients(emulator).sts(creds, 'eu-west-1').send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('111111111111');
  });
});

describe('SigV4 verification', () => {
  it('answers a wrong secret with SignatureDoesNotMatch', async () => {
    const { sts, creds } = await withRoleCredentials();
    const forged = await failure(
      sts({ ...creds, secretAccessKey: `${creds.secretAccessKey.slice(1)}x` }).send(new GetCallerIdentityCommand({})),
    );
    expect(forged.name).toBe('SignatureDoesNotMatch');
    expect(forged['Type']).toBe('Sender');
  });

  it('answers a body changed after signing with SignatureDoesNotMatch', async () => {
    const { sts } = await withRoleCredentials();
    const tampered = await failure(assumeRole(tamperBodyAfterSigning(sts())));
    expect(tampered.name).toBe('SignatureDoesNotMatch');
  });

  it('answers an unknown access key with InvalidClientTokenId', async () => {
    const { sts, creds } = await withRoleCredentials();
    const unknown = await failure(
      sts({ ...creds, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }).send(new GetCallerIdentityCommand({})),
    );
    expect(unknown.name).toBe('InvalidClientTokenId');
    expect(unknown.message).toBe('The security token included in the request is invalid.');
  });

  it('answers a missing or wrong session token with InvalidClientTokenId', async () => {
    const { emulator, creds } = await withRoleCredentials();
    const { accessKeyId, secretAccessKey } = creds;
    const missing = await failure(
      sdkClients(emulator)
        .sts({ accessKeyId, secretAccessKey } as Credentials)
        .send(new GetCallerIdentityCommand({})),
    );
    expect(missing.name).toBe('InvalidClientTokenId');
    const wrong = await failure(
      sdkClients(emulator)
        .sts({ ...creds, sessionToken: `${creds.sessionToken}x` })
        .send(new GetCallerIdentityCommand({})),
    );
    expect(wrong.name).toBe('InvalidClientTokenId');
  });

  it('answers expired credentials with ExpiredToken', async () => {
    const clock = manualClock();
    const { sts } = await withRoleCredentials({ clock, credentialTtl: 900 });
    await sts().send(new GetCallerIdentityCommand({}));
    clock.advance(900_000);
    const expired = await failure(sts().send(new GetCallerIdentityCommand({})));
    expect(expired.name).toBe('ExpiredToken');
    expect(expired.message).toBe('The security token included in the request is expired');
  });

  it('answers a request signed long ago with SignatureDoesNotMatch "Signature expired"', async () => {
    const clock = manualClock();
    const { sts } = await withRoleCredentials({ clock });
    clock.advance(16 * 60_000);
    const stale = await failure(sts().send(new GetCallerIdentityCommand({})));
    expect(stale.name).toBe('SignatureDoesNotMatch');
    expect(stale.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  it('answers an unsigned request with MissingAuthenticationToken in the query protocol XML', async () => {
    const emulator = await emulatorFor();
    const { status, body } = await stsError(emulator, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(status).toBe(403);
    expect(body).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(body).toContain(
      '<Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error>',
    );
    expect(body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  it('answers a malformed Authorization header with IncompleteSignature', async () => {
    const emulator = await emulatorFor();
    const { status, body } = await stsError(emulator, {
      method: 'POST',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=ASIAX/20260101/us-east-1/sts', 'x-amz-date': 'x' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(status).toBe(400);
    expect(body).toContain('<Code>IncompleteSignature</Code>');
  });

  it('answers an unknown action with InvalidAction', async () => {
    const emulator = await emulatorFor();
    const { status, body } = await stsError(emulator, { method: 'POST', body: 'Action=GetSessionToken' });
    expect(status).toBe(400);
    expect(body).toContain('<Code>InvalidAction</Code>');
  });
});

describe('AssumeRole', () => {
  it('chains from permission set credentials, and again from the assumed role', async () => {
    const clock = manualClock();
    const { emulator, sts } = await withRoleCredentials({ clock });
    const assumed = await assumeRole(sts(), 900);
    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::333333333333:assumed-role/Deployer/alice');
    expect(assumed.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
    expect(assumed.Credentials?.Expiration?.getTime()).toBe(Math.floor(clock() / 1000) * 1000 + 900_000);

    const deployer = sdkClients(emulator).sts(credentialsOf(assumed));
    expect((await deployer.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      'arn:aws:sts::333333333333:assumed-role/Deployer/alice',
    );
    const again = await deployer.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444444444444:role/ops/Admin', RoleSessionName: 'bob' }),
    );
    expect(again.AssumedRoleUser?.Arn).toBe('arn:aws:sts::444444444444:assumed-role/Admin/bob');
  });

  it('refuses more than 1 hour for a chained role, as AWS does', async () => {
    const { sts } = await withRoleCredentials();
    expect((await assumeRole(sts(), 3600)).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const refused = await failure(assumeRole(sts(), 3601));
    expect(refused.name).toBe('ValidationError');
    expect(refused.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  });

  it('validates its parameters', async () => {
    const { sts } = await withRoleCredentials();
    expect((await failure(assumeRole(sts(), 899))).name).toBe('ValidationError');
    const badArn = await failure(sts().send(new AssumeRoleCommand({ RoleArn: 'Deployer', RoleSessionName: 'alice' })));
    expect(badArn.name).toBe('ValidationError');
    const badName = await failure(sts().send(new AssumeRoleCommand({ RoleArn: DEPLOYER, RoleSessionName: 'a b' })));
    expect(badName.name).toBe('ValidationError');
  });
});
