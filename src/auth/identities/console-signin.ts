import { formatDuration } from '../../config/duration.js';
import { ExitCode, RolecallError } from '../../core/errors.js';
import { registerSecret } from '../../core/log.js';
import { consoleHome, serviceEndpoint } from '../endpoints.js';
import type { AwsCredentials } from './credentials.js';

/** The console session lengths AWS's federation endpoint accepts. */
const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;
const REQUEST_TIMEOUT_MS = 30_000;

export interface ConsoleSignin {
  /** Signs in whoever opens it, once, within 15 minutes: a secret. */
  url: string;
  durationNote?: string;
}

/**
 * A console sign-in URL for temporary credentials, through AWS's federation endpoint (not an SDK
 * service): a sign-in token for the credentials, then a login URL that lands on `destination`.
 */
export async function consoleSigninUrl(
  credentials: AwsCredentials,
  input: { region: string; env: NodeJS.ProcessEnv; destination?: string; sessionSeconds?: number },
): Promise<ConsoleSignin> {
  if (!credentials.sessionToken) {
    throw new RolecallError(
      'console.long-lived-keys',
      "the console sign-in needs temporary credentials; an IAM user's keys are not",
      {
        exitCode: ExitCode.usage,
        hint: 'use an aws/permission-set or aws/assume-role identity',
      },
    );
  }
  const federation = `${serviceEndpoint('SIGNIN', input.region, input.env)}/federation`;
  const session = JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
  let durationNote: string | undefined;
  let seconds = input.sessionSeconds;
  if (seconds !== undefined && (seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS)) {
    const kept = Math.min(Math.max(seconds, MIN_SESSION_SECONDS), MAX_SESSION_SECONDS);
    durationNote = `a console session lasts 15m to 12h; asked for ${formatDuration(seconds)}, got ${formatDuration(kept)}`;
    seconds = kept;
  }
  let token = await signinToken(federation, session, seconds);
  if (token === undefined && seconds !== undefined) {
    // AWS refuses a SessionDuration with some credentials; the console then lasts as long as they do.
    durationNote = `AWS refused a console session of ${formatDuration(seconds)} for these credentials; it lasts as long as they do`;
    token = await signinToken(federation, session, undefined);
  }
  if (token === undefined) {
    throw new RolecallError('console.refused', `the AWS sign-in endpoint ${federation} refused the credentials`, {
      exitCode: ExitCode.auth,
      hint: 'run the command again; if it persists, run `rolecall whoami` to check the identity',
    });
  }
  registerSecret(token);
  const url = new URL(federation);
  url.search = new URLSearchParams({
    Action: 'login',
    Issuer: 'rolecall',
    Destination: input.destination ?? consoleHome(input.region),
    SigninToken: token,
  }).toString();
  registerSecret(url.toString());
  return { url: url.toString(), durationNote };
}

/** The sign-in token, or undefined when AWS refused the request (it answers a bare 400). */
async function signinToken(federation: string, session: string, seconds: number | undefined) {
  const body = new URLSearchParams({
    Action: 'getSigninToken',
    ...(seconds === undefined ? {} : { SessionDuration: String(seconds) }),
    Session: session,
  });
  let response: Response;
  try {
    // POST keeps the credentials out of URLs that proxies log.
    response = await fetch(federation, { method: 'POST', body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new RolecallError('aws.unreachable', `cannot reach ${federation} for the console sign-in`, {
      hint: 'check your network or proxy, and AWS_ENDPOINT_URL_SIGNIN if you set one',
      cause: error,
    });
  }
  if (!response.ok) return undefined;
  const answer = (await response.json().catch(() => undefined)) as { SigninToken?: unknown } | undefined;
  return typeof answer?.SigninToken === 'string' ? answer.SigninToken : undefined;
}
