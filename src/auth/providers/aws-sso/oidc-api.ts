import {
  CreateTokenCommand,
  type CreateTokenCommandInput,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { isRolecallError, RolecallError } from '../../../core/errors.js';
import { registerSecret } from '../../../core/log.js';
import { serviceEndpoint } from '../../endpoints.js';
import { awsErrorName, translateAwsError } from './aws-errors.js';
import { REQUEST_LIMITS } from './portal.js';
import { quietSdkNotices } from './sdk-quiet.js';

/** What CreateToken returns that rolecall keeps. */
export interface TokenGrant {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/** A CreateToken answer the device flow keeps polling on, rather than an error. */
export class PollAgain extends Error {
  constructor(readonly slowDown: boolean) {
    super(slowDown ? 'slow down' : 'authorization pending');
  }
}

/** An answer that means "this client or this refresh token is not good any more": start over. */
export class GrantRejected extends Error {}

const REJECTED = new Set([
  'InvalidGrantException',
  'InvalidClientException',
  'UnauthorizedClientException',
  'ExpiredTokenException',
]);

/**
 * The SSO OIDC service through the AWS SDK (this module is its own bundle: the SDK loads only when a
 * login or refresh actually talks to AWS).
 */
export class OidcApi {
  private readonly client: SSOOIDCClient;
  readonly endpoint: string;

  constructor(region: string, env: NodeJS.ProcessEnv) {
    this.endpoint = serviceEndpoint('SSO_OIDC', region, env);
    quietSdkNotices();
    this.client = new SSOOIDCClient({
      region,
      maxAttempts: 3,
      endpoint: this.endpoint,
      requestHandler: REQUEST_LIMITS,
    });
  }

  async registerClient(input: { flow: 'device' | 'pkce'; startUrl: string }) {
    try {
      const output = await this.client.send(
        new RegisterClientCommand({
          clientName: `rolecall-${input.flow}`,
          clientType: 'public',
          scopes: ['sso:account:access'],
          ...(input.flow === 'pkce'
            ? {
                grantTypes: ['authorization_code', 'refresh_token'],
                redirectUris: ['http://127.0.0.1/oauth/callback'],
                issuerUrl: input.startUrl,
              }
            : {}),
        }),
      );
      if (!output.clientId || !output.clientSecret || !output.clientSecretExpiresAt) {
        throw new Error('RegisterClient returned no client id or secret');
      }
      registerSecret(output.clientSecret);
      return {
        clientId: output.clientId,
        clientSecret: output.clientSecret,
        expiresAt: new Date(output.clientSecretExpiresAt * 1000).toISOString(),
      };
    } catch (error) {
      throw translateAwsError(error, 'RegisterClient', this.endpoint);
    }
  }

  async startDeviceAuthorization(input: {
    clientId: string;
    clientSecret: string;
    startUrl: string;
  }): Promise<DeviceAuthorization> {
    try {
      const output = await this.client.send(new StartDeviceAuthorizationCommand(input));
      if (!output.deviceCode || !output.userCode || !output.verificationUri) {
        throw new Error('StartDeviceAuthorization returned no device code');
      }
      registerSecret(output.deviceCode);
      return {
        deviceCode: output.deviceCode,
        userCode: output.userCode,
        verificationUri: output.verificationUri,
        verificationUriComplete: output.verificationUriComplete,
        // The SDK does not check what AWS answers: nonsense lifetimes and intervals fall back to AWS's own.
        expiresInSeconds: clampedSeconds(output.expiresIn, 1, MAX_DEVICE_CODE_SECONDS, 600),
        intervalSeconds: clampedSeconds(output.interval, 1, MAX_POLL_SECONDS, 1),
      };
    } catch (error) {
      if (REJECTED.has(awsErrorName(error) ?? '')) throw new GrantRejected('the client registration was rejected');
      throw translateAwsError(error, 'StartDeviceAuthorization', this.endpoint);
    }
  }

  /**
   * CreateToken for any grant. Pending and slow-down answers become PollAgain; a rejected client or
   * grant becomes GrantRejected; anything else a RolecallError.
   */
  async createToken(input: CreateTokenCommandInput): Promise<TokenGrant> {
    try {
      const output = await this.client.send(new CreateTokenCommand(input));
      const expiresIn = secondsWithin(output.expiresIn, 1, MAX_TOKEN_SECONDS);
      if (typeof output.accessToken !== 'string' || !output.accessToken || expiresIn === undefined) {
        throw new RolecallError('aws.malformed', `CreateToken at ${this.endpoint} answered without a valid token`, {
          hint: 'try again; if it persists, run with --log-level debug and report it',
        });
      }
      registerSecret(output.accessToken);
      if (output.refreshToken) registerSecret(output.refreshToken);
      return { accessToken: output.accessToken, expiresInSeconds: expiresIn, refreshToken: output.refreshToken };
    } catch (error) {
      if (isRolecallError(error)) throw error;
      const name = awsErrorName(error);
      if (name === 'AuthorizationPendingException') throw new PollAgain(false);
      if (name === 'SlowDownException') throw new PollAgain(true);
      if (input.grantType !== 'urn:ietf:params:oauth:grant-type:device_code' && REJECTED.has(name ?? '')) {
        throw new GrantRejected(`${input.grantType} was rejected (${name})`);
      }
      throw translateAwsError(error, 'CreateToken', this.endpoint);
    }
  }
}

/** Bounds on what AWS may answer: a device code lives minutes, a token at most days, polls seconds. */
const MAX_DEVICE_CODE_SECONDS = 3600;
const MAX_POLL_SECONDS = 60;
const MAX_TOKEN_SECONDS = 90 * 24 * 3600;

/** A number of seconds kept within bounds; anything but a number is AWS's usual value. */
const clampedSeconds = (value: unknown, min: number, max: number, usual: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : usual;

const secondsWithin = (value: unknown, min: number, max: number): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
