import { createHash } from 'node:crypto';
import { allowsGrant, type Client, type ClientRegistry } from './clients.js';
import { awsError } from './errors.js';
import { randomToken } from './ids.js';
import { SERVICE_LIMITS, type Settings } from './settings.js';

/** One `/authorize` request waiting for the user's Allow or Deny. */
export interface ConsentRequest {
  id: string;
  clientName: string;
  scopes: string[];
}

/** Where `/authorize` sends the browser next, or the consent to ask for first. */
export type AuthorizeOutcome = { redirect: string } | { consent: ConsentRequest };

interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string | null;
  challenge: string;
  scopes: string[];
  expiresAt: number;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  spent: boolean;
}

export interface AuthorizationCodeFlow {
  /** `GET /authorize`: throws (as a page, not a redirect) when the client or redirect URI cannot be trusted. */
  authorize(query: URLSearchParams): AuthorizeOutcome;
  /** The user's answer on the consent page: the redirect carrying a code, or `error=access_denied`. */
  decide(consentId: string, allow: boolean): string;
  /** The authorization_code grant of CreateToken: checks the code, redirect URI and PKCE verifier. */
  redeem(client: Client, code: string, redirectUri: string, codeVerifier: string): void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** RFC 8252 §7.3: a loopback redirect URI matches whatever port the client's callback server got. */
const redirectMatches = (registered: string, actual: URL): boolean => {
  try {
    const expected = new URL(registered);
    const samePort = expected.port === actual.port || LOOPBACK_HOSTS.has(expected.hostname);
    return (
      expected.protocol === actual.protocol &&
      expected.hostname === actual.hostname &&
      expected.pathname === actual.pathname &&
      samePort
    );
  } catch {
    return false;
  }
};

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

const withParams = (uri: string, params: Record<string, string | null>): string => {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
};

export const createAuthorizationCodeFlow = (
  { clock, autoApprove }: Settings,
  clients: ClientRegistry,
): AuthorizationCodeFlow => {
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, IssuedCode>();
  const lifetimeMs = SERVICE_LIMITS.authorizationCodeSeconds * 1000;

  const issueCode = (request: PendingAuthorization): string => {
    const code = randomToken(32);
    codes.set(code, { ...request, expiresAt: clock() + lifetimeMs, spent: false });
    return withParams(request.redirectUri, { code, state: request.state });
  };

  return {
    authorize: (query) => {
      const client = clients.find(query.get('client_id') ?? '');
      if (!client) throw awsError('InvalidClientException', 'Unknown or expired client_id');
      const redirectUri = query.get('redirect_uri') ?? '';
      let target: URL;
      try {
        target = new URL(redirectUri);
      } catch {
        throw awsError('InvalidRedirectUriException', 'redirect_uri is missing or not a URL');
      }
      if (!client.redirectUris.some((registered) => redirectMatches(registered, target))) {
        throw awsError('InvalidRedirectUriException', 'redirect_uri is not registered for this client');
      }

      // From here on the redirect URI is trusted, so errors go back to the client as OAuth redirects.
      const state = query.get('state');
      const fail = (error: string, description: string) => ({
        redirect: withParams(redirectUri, { error, error_description: description, state }),
      });
      if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
      if (!allowsGrant(client, 'authorization_code')) {
        return fail('unauthorized_client', 'the client is not registered for authorization_code');
      }
      const challenge = query.get('code_challenge');
      if (!challenge || query.get('code_challenge_method') !== 'S256') {
        return fail('invalid_request', 'a code_challenge with code_challenge_method S256 is required');
      }
      // The AWS CLI separates scopes with spaces, the AWS Toolkit with commas.
      const scopes = (query.get('scopes') ?? query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
      const request = { clientId: client.id, redirectUri, state, challenge, scopes, expiresAt: clock() + lifetimeMs };
      if (autoApprove) return { redirect: issueCode(request) };
      const id = randomToken(24);
      pending.set(id, request);
      return { consent: { id, clientName: client.name, scopes } };
    },

    decide: (consentId, allow) => {
      const request = pending.get(consentId);
      pending.delete(consentId);
      if (!request || clock() >= request.expiresAt) {
        throw awsError('ExpiredTokenException', 'This sign-in request has expired or was already answered');
      }
      if (allow) return issueCode(request);
      return withParams(request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the request',
        state: request.state,
      });
    },

    redeem: (client, code, redirectUri, codeVerifier) => {
      const issued = codes.get(code);
      if (!issued || issued.spent || issued.clientId !== client.id) {
        throw awsError('InvalidGrantException', 'Invalid authorization code provided');
      }
      // One presentation only, right or wrong: a code that leaked cannot be tried twice.
      issued.spent = true;
      if (clock() >= issued.expiresAt) throw awsError('ExpiredTokenException', 'Authorization code has expired');
      if (issued.redirectUri !== redirectUri) {
        throw awsError('InvalidGrantException', 'redirectUri does not match the authorization request');
      }
      if (s256(codeVerifier) !== issued.challenge) {
        throw awsError('InvalidGrantException', 'Code verifier does not match the code challenge');
      }
    },
  };
};
