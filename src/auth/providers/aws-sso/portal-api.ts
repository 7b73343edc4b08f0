import { LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
import { serviceEndpoint } from '../../endpoints.js';
import { translateAwsError } from './aws-errors.js';
import { quietSdkNotices } from './sdk-quiet.js';

/** Ends the session at AWS, so the token is worthless even if a copy of it survives somewhere. */
export async function portalLogout(region: string, accessToken: string, env: NodeJS.ProcessEnv): Promise<void> {
  quietSdkNotices();
  const endpoint = serviceEndpoint('SSO', region, env);
  const client = new SSOClient({
    region,
    endpoint,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  });
  try {
    await client.send(new LogoutCommand({ accessToken }));
  } catch (error) {
    // An already invalid session is logged out as far as AWS is concerned.
    if ((error as { name?: string }).name === 'UnauthorizedException') return;
    throw translateAwsError(error, 'Logout', endpoint);
  } finally {
    client.destroy();
  }
}
