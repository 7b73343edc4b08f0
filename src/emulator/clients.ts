import { awsError } from './errors.js';
import { jsonReply, type Reply } from './http.js';
import { randomToken } from './ids.js';
import { optionalStringList, parseJsonObject, requiredString } from './input.js';
import { SERVICE_LIMITS, type Settings } from './settings.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TYPES = [DEVICE_CODE_GRANT, 'authorization_code', 'refresh_token'];

/** An OIDC client registration (RegisterClient). */
export interface Client {
  id: string;
  secret: string;
  name: string;
  expiresAt: number;
  scopes: string[];
  /** As registered; clients that name none (device-code tools) may use the device code and refresh grants. */
  grantTypes: string[] | undefined;
  redirectUris: string[];
}

export interface ClientRegistry {
  /** The RegisterClient operation. */
  register(body: Buffer): Reply;
  /** The registration behind a client id and secret, or `InvalidClientException`. */
  authenticate(clientId: string, clientSecret: string): Client;
  /** A live registration by id alone, as the browser leg of PKCE knows it. */
  find(clientId: string): Client | undefined;
}

export const allowsGrant = (client: Client, grantType: string): boolean =>
  client.grantTypes?.includes(grantType) ?? grantType !== 'authorization_code';

/** Registrations with scopes (sso-session profiles) get refresh tokens; legacy ones get a fixed session. */
export const isRefreshable = (client: Client): boolean =>
  client.scopes.length > 0 || (client.grantTypes?.includes('refresh_token') ?? false);

const isValidRedirectUri = (uri: string): boolean => {
  try {
    const { protocol } = new URL(uri);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

export const createClientRegistry = ({ clock }: Settings): ClientRegistry => {
  const clients = new Map<string, Client>();
  const live = (client: Client | undefined): Client | undefined =>
    client && clock() < client.expiresAt ? client : undefined;

  return {
    register: (body) => {
      const input = parseJsonObject(body);
      const name = requiredString(input, 'clientName');
      const clientType = requiredString(input, 'clientType');
      if (clientType !== 'public')
        throw awsError('InvalidClientMetadataException', `Invalid client type: ${clientType}`);
      const grantTypes = optionalStringList(input, 'grantTypes');
      const unsupported = grantTypes?.find((grant) => !GRANT_TYPES.includes(grant));
      if (unsupported !== undefined)
        throw awsError('UnsupportedGrantTypeException', `Unsupported grant: ${unsupported}`);
      const redirectUris = optionalStringList(input, 'redirectUris') ?? [];
      const badUri = redirectUris.find((uri) => !isValidRedirectUri(uri));
      if (badUri !== undefined) throw awsError('InvalidRedirectUriException', `Invalid redirect URI: ${badUri}`);
      if (grantTypes?.includes('authorization_code') && redirectUris.length === 0) {
        throw awsError('InvalidRedirectUriException', 'redirectUris are required for the authorization_code grant');
      }

      const issuedAt = clock();
      const client: Client = {
        id: randomToken(16),
        secret: randomToken(48),
        name,
        expiresAt: issuedAt + SERVICE_LIMITS.registrationSeconds * 1000,
        scopes: optionalStringList(input, 'scopes') ?? [],
        grantTypes,
        redirectUris,
      };
      clients.set(client.id, client);
      return jsonReply({
        clientId: client.id,
        clientSecret: client.secret,
        clientIdIssuedAt: Math.floor(issuedAt / 1000),
        clientSecretExpiresAt: Math.floor(client.expiresAt / 1000),
      });
    },
    authenticate: (clientId, clientSecret) => {
      const client = live(clients.get(clientId));
      if (!client || client.secret !== clientSecret) throw awsError('InvalidClientException');
      return client;
    },
    find: (clientId) => live(clients.get(clientId)),
  };
};
