import { htmlReply, jsonReply, type Reply, textReply, xmlReply } from './http.js';
import { errorPage } from './pages.js';
import { toXml } from './xml.js';

/** How a service puts errors on the wire (docs/aws-wire-protocol.md §0.1, §3.3, §4). */
export type Protocol = 'portal' | 'oidc' | 'query' | 'federation' | 'browser';

/** An error named as the AWS service names it; `encodeError` turns it into that service's wire format. */
export class AwsError extends Error {
  override readonly name = 'AwsError';

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Shape {
  status: number;
  message: string;
  /** The OAuth `error` member of the OIDC body. */
  oauth?: string;
}

const SHAPES: Record<string, Shape> = {
  // SSO portal (switchboard)
  UnauthorizedException: { status: 401, message: 'Session token not found or invalid' },
  TooManyRequestsException: { status: 429, message: 'HTTP 429 Unknown Code' },
  ForbiddenException: { status: 403, message: 'No access' },
  ResourceNotFoundException: { status: 404, message: 'Resource not found' },
  MethodNotAllowedException: { status: 405, message: 'Method not allowed' },
  // shared by the portal and SSO OIDC
  InvalidRequestException: { status: 400, message: 'Invalid request', oauth: 'invalid_request' },
  // SSO OIDC
  AuthorizationPendingException: {
    status: 400,
    message: 'Authorization is still pending',
    oauth: 'authorization_pending',
  },
  SlowDownException: { status: 400, message: 'Client is polling too fast', oauth: 'slow_down' },
  ExpiredTokenException: { status: 400, message: 'The token has expired', oauth: 'expired_token' },
  AccessDeniedException: { status: 400, message: 'Access denied', oauth: 'access_denied' },
  InvalidGrantException: { status: 400, message: 'Invalid grant provided', oauth: 'invalid_grant' },
  InvalidClientException: { status: 401, message: 'Invalid client', oauth: 'invalid_client' },
  UnauthorizedClientException: {
    status: 400,
    message: 'The client is not authorized for this grant',
    oauth: 'unauthorized_client',
  },
  UnsupportedGrantTypeException: {
    status: 400,
    message: 'Unsupported grant type',
    oauth: 'unsupported_grant_type',
  },
  InvalidScopeException: { status: 400, message: 'Invalid scope', oauth: 'invalid_scope' },
  InvalidClientMetadataException: {
    status: 400,
    message: 'Invalid client metadata',
    oauth: 'invalid_client_metadata',
  },
  InvalidRedirectUriException: { status: 400, message: 'Invalid redirect URI', oauth: 'invalid_redirect_uri' },
  InternalServerException: { status: 500, message: 'Internal server error', oauth: 'server_error' },
  // STS
  InvalidClientTokenId: { status: 403, message: 'The security token included in the request is invalid.' },
  SignatureDoesNotMatch: {
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to AWS standards.' },
  MissingAuthenticationToken: { status: 403, message: 'Request is missing Authentication Token' },
  ExpiredToken: { status: 400, message: 'The security token included in the request is expired' },
  AccessDenied: { status: 403, message: 'User is not authorized to perform: sts:AssumeRole' },
  ValidationError: { status: 400, message: 'Validation error' },
  InvalidAction: { status: 400, message: 'Could not find operation for version 2011-06-15' },
  Throttling: { status: 400, message: 'Rate exceeded' },
  RegionDisabledException: { status: 403, message: 'STS is not activated in this region' },
  InternalFailure: { status: 500, message: 'An internal error occurred' },
  ServiceUnavailable: { status: 503, message: 'Service unavailable' },
};

export const knownErrorStatus = (code: string): number | undefined => SHAPES[code]?.status;

/** The error `code` with its real status and, unless given, its real message. */
export const awsError = (code: string, message?: string, status?: number): AwsError => {
  const shape = SHAPES[code];
  return new AwsError(code, status ?? shape?.status ?? 400, message ?? shape?.message ?? code);
};

const OIDC_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.sso.oidc/';

const oauthCode = (code: string): string =>
  SHAPES[code]?.oauth ??
  code
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();

export const encodeError = (protocol: Protocol, error: AwsError, requestId: string): Reply => {
  switch (protocol) {
    case 'portal': {
      const reply = jsonReply(
        { message: error.message, __type: `com.amazonaws.switchboard.portal#${error.code}` },
        error.status,
      );
      reply.headers['x-amzn-ErrorType'] = error.code;
      return reply;
    }
    case 'oidc': {
      const reply = jsonReply({ error: oauthCode(error.code), error_description: error.message }, error.status);
      reply.headers['x-amzn-ErrorType'] = `${error.code}${OIDC_TYPE_SUFFIX}`;
      return reply;
    }
    case 'query':
      return xmlReply(
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">${toXml({
          Error: { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message },
          RequestId: requestId,
        })}</ErrorResponse>`,
        error.status,
      );
    case 'federation':
      return textReply(`${error.code}: ${error.message}\n`, error.status);
    case 'browser':
      return htmlReply(errorPage(error.message), error.status);
  }
};
