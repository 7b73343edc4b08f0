import { ExitCode, isRolecallError, RolecallError } from '../../../core/errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);

/** The AWS error shape name (`InvalidGrantException`), or undefined for failures that are not AWS answers. */
export function awsErrorName(error: unknown): string | undefined {
  const candidate = error as { name?: unknown; $metadata?: unknown } | null;
  return candidate && typeof candidate.name === 'string' && candidate.$metadata !== undefined
    ? candidate.name
    : undefined;
}

export function isNetworkError(error: unknown): boolean {
  const candidate = error as { code?: unknown; name?: unknown } | null;
  return (
    !!candidate &&
    ((typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) ||
      candidate.name === 'TimeoutError' ||
      candidate.name === 'RequestTimeout')
  );
}

/**
 * Whether a translated failure may pass by itself (AWS unreachable, throttling, a 5xx answer), as
 * opposed to an answer that stands (access denied, an ended session): what lets a caller fall back on
 * something it still has, such as cached credentials with time left.
 */
export function isPassingFailure(error: unknown): boolean {
  if (!isRolecallError(error)) return false;
  if (error.code === 'aws.unreachable' || error.code === 'aws.throttled') return true;
  const status = (error.cause as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return error.code === 'aws.failed' && typeof status === 'number' && status >= 500;
}

/**
 * Turns what the AWS SDK threw into an error a person can act on, at the edge of `auth/`.
 * Callers handle the answers they expect (pending, slow down, invalid grant) before this.
 */
export function translateAwsError(error: unknown, operation: string, endpoint: string): RolecallError {
  if (isNetworkError(error)) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    return new RolecallError('aws.unreachable', `cannot reach ${endpoint} for ${operation} (${code})`, {
      hint: 'check your network or proxy, and AWS_ENDPOINT_URL_* if you set one',
      cause: error,
    });
  }
  const name = awsErrorName(error);
  // The SDK's message may carry more lines ("Deserialization error: to see the raw response..."): one is told.
  const message = (error as Error | undefined)?.message?.split('\n')[0]?.trim();
  const detail = message && message !== 'UnknownError' ? `: ${message}` : '';
  switch (name) {
    case 'AccessDeniedException':
      return new RolecallError('login.denied', 'the sign-in request was denied', {
        exitCode: ExitCode.auth,
        hint: 'run `rolecall login` again and choose Allow',
        cause: error,
      });
    case 'ExpiredTokenException':
      return new RolecallError('login.expired', 'the sign-in request expired before it was approved', {
        exitCode: ExitCode.auth,
        hint: 'run `rolecall login` again and approve within the time shown',
        cause: error,
      });
    case 'UnauthorizedException':
      return new RolecallError('session.invalid', `the SSO session is not valid any more (${operation})`, {
        exitCode: ExitCode.auth,
        hint: 'run `rolecall login`',
        cause: error,
      });
    case 'TooManyRequestsException':
    case 'SlowDownException':
      return new RolecallError('aws.throttled', `AWS throttled ${operation}${detail}`, {
        hint: 'wait a moment and try again',
        cause: error,
      });
    default:
      return new RolecallError(
        'aws.failed',
        `${operation} failed: ${name ?? (error as Error | undefined)?.name ?? 'error'}${detail}`,
        {
          hint: 'run again with --log-level debug for details',
          cause: error,
        },
      );
  }
}
