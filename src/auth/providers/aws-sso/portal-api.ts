import { LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
import { translateAwsError } from './aws-errors.js';
import { quietSdkNotices } from './sdk-quiet.js';

/** The endpoint the SSO portal client uses, for messages. */
const portalEndpoint = (region: string, env: NodeJS.ProcessEnv) =>
  env['AWS_ENDPOINT_URL_SSO'] || env['AWS_ENDPOINT_URL'] || `https://portal.sso.${region}.amazonaws.com`;

/** Ends the session at AWS, so the token is worthless even if a copy of it survives somewhere. */
export async function portalLogout(region: string, accessToken: string, env: NodeJS.ProcessEnv): Promise<void> {
  quietSdkNotices();
  const client = new SSOClient({
    region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  try {
    await client.send(new LogoutCommand({ accessToken }));
  } catch (error) {
    // An already invalid session is logged out as far as AWS is concerned.
    if ((error as { name?: string }).name === 'UnauthorizedException') return;
    throw translateAwsError(error, 'Logout', portalEndpoint(region, env));
  } finally {
    client.destroy();
  }
}
