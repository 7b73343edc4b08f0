import type { AuthorizationCodeFlow } from './authorization-code.js';
import { allowsGrant, type ClientRegistry, DEVICE_CODE_GRANT, GRANT_TYPES, isRefreshable } from './clients.js';
import type { DeviceFlow } from './device-flow.js';
import { awsError } from './errors.js';
import { jsonReply, type Reply } from './http.js';
import { parseJsonObject, requiredString } from './input.js';
import type { Sessions, TokenSet } from './sessions.js';

interface TokenDependencies {
  user: string;
  clients: ClientRegistry;
  deviceFlow: DeviceFlow;
  codeFlow: AuthorizationCodeFlow;
  sessions: Sessions;
}

/** The CreateToken operation, for the device code, authorization code (PKCE) and refresh token grants. */
export const createTokenOperation =
  ({ user, clients, deviceFlow, codeFlow, sessions }: TokenDependencies) =>
  (body: Buffer): Reply => {
    const input = parseJsonObject(body);
    const clientId = requiredString(input, 'clientId');
    const clientSecret = requiredString(input, 'clientSecret');
    const grantType = requiredString(input, 'grantType');
    const client = clients.authenticate(clientId, clientSecret);
    if (!GRANT_TYPES.includes(grantType))
      throw awsError('UnsupportedGrantTypeException', `Unsupported grant: ${grantType}`);
    if (!allowsGrant(client, grantType)) throw awsError('UnauthorizedClientException');

    let tokens: TokenSet | undefined;
    if (grantType === DEVICE_CODE_GRANT) {
      deviceFlow.redeem(client, requiredString(input, 'deviceCode'));
      tokens = sessions.signIn(user, client.id, isRefreshable(client));
    } else if (grantType === 'authorization_code') {
      codeFlow.redeem(
        client,
        requiredString(input, 'code'),
        requiredString(input, 'redirectUri'),
        requiredString(input, 'codeVerifier'),
      );
      tokens = sessions.signIn(user, client.id, isRefreshable(client));
    } else {
      tokens = sessions.refresh(requiredString(input, 'refreshToken'), client.id);
      if (!tokens) throw awsError('InvalidGrantException', 'Invalid refresh token provided');
    }
    return jsonReply({
      accessToken: tokens.accessToken,
      tokenType: 'Bearer',
      expiresIn: tokens.expiresIn,
      refreshToken: tokens.refreshToken,
    });
  };
