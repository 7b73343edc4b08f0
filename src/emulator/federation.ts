import type { Clock } from './clock.js';
import type { CredentialStore } from './credentials.js';
import { AwsError } from './errors.js';
import { jsonReply, type Reply, redirectReply } from './http.js';
import { randomToken } from './ids.js';
import { SERVICE_LIMITS } from './settings.js';

/** Console federation (`/federation`): role credentials → a sign-in token → a console login redirect. */
export interface Federation {
  getSigninToken(params: URLSearchParams): Reply;
  login(params: URLSearchParams): Reply;
}

// The sign-in endpoint is not an AWS API: it answers a plain 400 without an error code.
const badRequest = (message: string) => new AwsError('BadRequest', 400, message);

const parseSession = (text: string | null): Record<string, unknown> => {
  try {
    const session: unknown = JSON.parse(text ?? '');
    if (typeof session === 'object' && session !== null) return session as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw badRequest('Session must be JSON with sessionId, sessionKey and sessionToken');
};

export const createFederation = (clock: Clock, credentials: CredentialStore): Federation => {
  const signinTokens = new Map<string, { expiresAt: number }>();

  return {
    getSigninToken: (params) => {
      const session = parseSession(params.get('Session'));
      const issued = credentials.find(String(session['sessionId']));
      if (
        !issued ||
        session['sessionKey'] !== issued.secretAccessKey ||
        session['sessionToken'] !== issued.sessionToken ||
        clock() >= issued.expiresAt
      ) {
        throw badRequest('The credentials in Session are not valid or have expired');
      }
      const duration = params.get('SessionDuration');
      if (duration !== null && !(/^\d+$/.test(duration) && Number(duration) >= 900 && Number(duration) <= 43_200)) {
        throw badRequest('SessionDuration must be between 900 and 43200 seconds');
      }
      const token = randomToken(192);
      signinTokens.set(token, { expiresAt: clock() + SERVICE_LIMITS.signinTokenSeconds * 1000 });
      return jsonReply({ SigninToken: token });
    },

    login: (params) => {
      const token = params.get('SigninToken') ?? '';
      const signin = signinTokens.get(token);
      signinTokens.delete(token);
      if (!signin || clock() >= signin.expiresAt) throw badRequest('The sign-in token is not valid, used or expired');
      const destination = params.get('Destination') ?? '';
      if (!/^https?:\/\//.test(destination)) throw badRequest('Destination must be an http(s) URL');
      return redirectReply(destination);
    },
  };
};
