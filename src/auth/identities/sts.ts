import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { formatDuration } from '../../config/duration.js';
import { ExitCode, RolecallError } from '../../core/errors.js';
import { serviceEndpoint } from '../endpoints.js';
import { awsErrorName, translateAwsError } from '../providers/aws-sso/aws-errors.js';
import { REQUEST_LIMITS } from '../providers/aws-sso/portal.js';
import { quietSdkNotices } from '../providers/aws-sso/sdk-quiet.js';
import type { AssumeRoleStep } from './chain.js';
import type { AwsCredentials } from './credentials.js';

/** AWS's limit for a role assumed with role credentials (role chaining). */
export const CHAINED_ROLE_MAX_SECONDS = 3600;

function stsClient(credentials: AwsCredentials, region: string, env: NodeJS.ProcessEnv) {
  quietSdkNotices();
  const endpoint = serviceEndpoint('STS', region, env);
  const client = new STSClient({
    region,
    endpoint,
    maxAttempts: 4,
    requestHandler: REQUEST_LIMITS,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
  });
  return { client, endpoint };
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** Who AWS says these credentials are. */
export async function getCallerIdentity(
  credentials: AwsCredentials,
  region: string,
  env: NodeJS.ProcessEnv,
): Promise<CallerIdentity> {
  const { client, endpoint } = stsClient(credentials, region, env);
  try {
    const output = await client.send(new GetCallerIdentityCommand({}));
    return { account: output.Account ?? '', arn: output.Arn ?? '', userId: output.UserId ?? '' };
  } catch (error) {
    throw stsError(error, 'GetCallerIdentity', endpoint);
  } finally {
    client.destroy();
  }
}

export interface AssumedRole {
  credentials: AwsCredentials;
  /** Why the lifetime asked for could not be had, when it could not. */
  durationNote?: string;
}

/**
 * Assumes the step's role with the source credentials. The lifetime asked for is kept within AWS's
 * limits: role credentials (an SSO role, another assumed role) can be chained for an hour at most; a
 * role whose own maximum is shorter than the request is asked again for an hour.
 */
export async function assumeRole(
  source: AwsCredentials,
  step: AssumeRoleStep,
  region: string,
  env: NodeJS.ProcessEnv,
  now: number,
): Promise<AssumedRole> {
  const chained = source.sessionToken !== undefined;
  let seconds = step.requestedSeconds;
  let durationNote: string | undefined;
  if (seconds !== undefined && chained && seconds > CHAINED_ROLE_MAX_SECONDS) {
    durationNote = `asked for ${formatDuration(seconds)}, but AWS allows at most 1h for a role assumed with role credentials (role chaining)`;
    seconds = CHAINED_ROLE_MAX_SECONDS;
  }
  const { client, endpoint } = stsClient(source, region, env);
  const send = (durationSeconds: number | undefined) =>
    client.send(
      new AssumeRoleCommand({
        RoleArn: step.roleArn,
        RoleSessionName: step.sessionName ?? `rolecall-${now}`,
        ExternalId: step.externalId,
        DurationSeconds: durationSeconds,
      }),
    );
  try {
    let output: Awaited<ReturnType<typeof send>>;
    try {
      output = await send(seconds);
    } catch (error) {
      const tooLong = awsErrorName(error) === 'ValidationError' && /DurationSeconds/i.test((error as Error).message);
      if (!tooLong || seconds === undefined || seconds <= CHAINED_ROLE_MAX_SECONDS) throw error;
      durationNote = `asked for ${formatDuration(seconds)}, but AWS refused it for ${step.roleArn} (${(error as Error).message}); got 1h`;
      output = await send(CHAINED_ROLE_MAX_SECONDS);
    }
    const issued = output.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken || !issued.Expiration) {
      throw new RolecallError('aws.malformed', `AssumeRole at ${endpoint} answered without credentials`, {
        hint: 'try again; if it persists, run with --log-level debug and report it',
      });
    }
    return {
      credentials: {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        sessionToken: issued.SessionToken,
        expiration: issued.Expiration.toISOString(),
      },
      durationNote,
    };
  } catch (error) {
    throw stsError(error, `AssumeRole ${step.roleArn}`, endpoint);
  } finally {
    client.destroy();
  }
}

function stsError(error: unknown, operation: string, endpoint: string): RolecallError {
  if (error instanceof RolecallError) return error;
  const name = awsErrorName(error);
  if (name === 'AccessDenied') {
    return new RolecallError('role.access-denied', `${operation}: access denied (${(error as Error).message})`, {
      exitCode: ExitCode.auth,
      hint: "check the role's trust policy and the identity it is assumed from (via.identity)",
      cause: error,
    });
  }
  if (name === 'ExpiredToken' || name === 'InvalidClientTokenId') {
    return new RolecallError('credentials.invalid', `${operation}: AWS did not accept the credentials (${name})`, {
      exitCode: ExitCode.auth,
      hint: 'run the command again (rolecall fetches new credentials); if it persists, run `rolecall login`',
      cause: error,
    });
  }
  return translateAwsError(error, operation, endpoint);
}
