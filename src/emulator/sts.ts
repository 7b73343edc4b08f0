import type { Clock } from './clock.js';
import type { CredentialStore, IssuedCredentials } from './credentials.js';
import { awsError } from './errors.js';
import { type EmuRequest, type Reply, singleHeader, xmlReply } from './http.js';
import { assumedRolePrincipal } from './principals.js';
import { parseAuthorization, verifySignature } from './sigv4.js';
import { toXml, type XmlContent } from './xml.js';

export const STS_OPERATIONS = ['GetCallerIdentity', 'AssumeRole'] as const;
export type StsOperation = (typeof STS_OPERATIONS)[number];

export interface Sts {
  run(operation: StsOperation, req: EmuRequest, params: URLSearchParams): Reply;
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
// Every credential the emulator issues is already a role session, so every AssumeRole is role chaining.
const CHAINED_SESSION_LIMIT_SECONDS = 3600;

const respond = (operation: string, result: XmlContent, requestId: string): Reply =>
  xmlReply(
    `<${operation}Response xmlns="${NAMESPACE}">${toXml({
      [`${operation}Result`]: result,
      ResponseMetadata: { RequestId: requestId },
    })}</${operation}Response>`,
  );

const invalidValue = (value: string | null, member: string, constraint: string) =>
  awsError(
    'ValidationError',
    `1 validation error detected: Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const createSts = (clock: Clock, credentials: CredentialStore): Sts => {
  /** The caller behind a SigV4-signed request, checked in the order AWS checks. */
  const authenticate = (req: EmuRequest): IssuedCredentials => {
    const authorization = singleHeader(req.headers, 'authorization');
    if (!authorization) throw awsError('MissingAuthenticationToken');
    const auth = parseAuthorization(authorization);
    const caller = credentials.find(auth.accessKeyId);
    if (!caller || singleHeader(req.headers, 'x-amz-security-token') !== caller.sessionToken) {
      throw awsError('InvalidClientTokenId');
    }
    if (clock() >= caller.expiresAt) throw awsError('ExpiredToken');
    verifySignature(req, auth, caller.secretAccessKey, 'sts', clock());
    return caller;
  };

  const getCallerIdentity = (req: EmuRequest): Reply => {
    const { principal } = authenticate(req);
    return respond(
      'GetCallerIdentity',
      { Arn: principal.arn, UserId: principal.userId, Account: principal.accountId },
      req.requestId,
    );
  };

  const assumeRole = (req: EmuRequest, params: URLSearchParams): Reply => {
    authenticate(req);
    const roleArn = params.get('RoleArn');
    const roleMatch = ROLE_ARN.exec(roleArn ?? '');
    if (!roleMatch) throw invalidValue(roleArn, 'roleArn', 'Member must be a valid IAM role ARN');
    const sessionName = params.get('RoleSessionName');
    if (sessionName === null || !SESSION_NAME.test(sessionName)) {
      throw invalidValue(
        sessionName,
        'roleSessionName',
        'Member must satisfy regular expression pattern: [\\w+=,.@-]{2,64}',
      );
    }
    const durationText = params.get('DurationSeconds');
    const duration = durationText === null ? 3600 : Number(durationText);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      throw invalidValue(durationText, 'durationSeconds', 'Member must have value between 900 and 43200');
    }
    if (duration > CHAINED_SESSION_LIMIT_SECONDS) {
      throw awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    const [, accountId = '', roleName = ''] = roleMatch;
    const issued = credentials.issue(assumedRolePrincipal(accountId, roleName, sessionName), duration);
    return respond(
      'AssumeRole',
      {
        AssumedRoleUser: { AssumedRoleId: issued.principal.userId, Arn: issued.principal.arn },
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretAccessKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: isoSeconds(issued.expiresAt),
        },
        SourceIdentity: params.get('SourceIdentity') ?? undefined,
      },
      req.requestId,
    );
  };

  return {
    run: (operation, req, params) => (operation === 'AssumeRole' ? assumeRole(req, params) : getCallerIdentity(req)),
  };
};
