import {
  CreateTokenCommand,
  type CreateTokenCommandInput,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
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
        expiresInSeconds: output.expiresIn ?? 600,
        intervalSeconds: output.interval ?? 1,
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
      if (!output.accessToken || !output.expiresIn) throw new Error('CreateToken returned no access token');
      registerSecret(output.accessToken);
      if (output.refreshToken) registerSecret(output.refreshToken);
      return { accessToken: output.accessToken, expiresInSeconds: output.expiresIn, refreshToken: output.refreshToken };
    } catch (error) {
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
