import type { Clock } from './clock.js';
import { randomToken } from './ids.js';

/** A portal sign-in: what Logout ends and what refresh tokens keep alive, up to its own end. */
interface SignIn {
  user: string;
  expiresAt: number;
  ended: boolean;
}

interface AccessGrant {
  signIn: SignIn;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshGrant {
  signIn: SignIn;
  clientId: string;
  spent: boolean;
}

export interface TokenSet {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface Sessions {
  signIn(user: string, clientId: string, refreshable: boolean): TokenSet;
  /** New tokens for a refresh token, which is then spent: refresh tokens rotate. */
  refresh(refreshToken: string, clientId: string): TokenSet | undefined;
  /** The user an access token speaks for, while it is good. */
  userOf(accessToken: string): string | undefined;
  /** Ends the sign-in behind the token (Logout); false if the token was not good. */
  logout(accessToken: string): boolean;
  revokeAccessTokens(): void;
  endAllSignIns(): void;
}

export const createSessions = (clock: Clock, tokenTtlSeconds: number, signInTtlSeconds: number): Sessions => {
  const accessGrants = new Map<string, AccessGrant>();
  const refreshGrants = new Map<string, RefreshGrant>();
  const live = (signIn: SignIn): boolean => !signIn.ended && clock() < signIn.expiresAt;

  const issue = (signIn: SignIn, clientId: string, refreshable: boolean): TokenSet => {
    const now = clock();
    // Without a refresh token the one access token lasts the whole sign-in, as AWS's fixed 8-hour legacy session.
    const expiresAt = refreshable ? Math.min(now + tokenTtlSeconds * 1000, signIn.expiresAt) : signIn.expiresAt;
    const accessToken = `aoa${randomToken()}`;
    accessGrants.set(accessToken, { signIn, expiresAt, revoked: false });
    const tokens: TokenSet = { accessToken, expiresIn: Math.floor((expiresAt - now) / 1000) };
    if (refreshable) {
      tokens.refreshToken = `aor${randomToken()}`;
      refreshGrants.set(tokens.refreshToken, { signIn, clientId, spent: false });
    }
    return tokens;
  };

  const grantOf = (accessToken: string): AccessGrant | undefined => {
    const grant = accessGrants.get(accessToken);
    return grant && !grant.revoked && live(grant.signIn) && clock() < grant.expiresAt ? grant : undefined;
  };

  return {
    signIn: (user, clientId, refreshable) =>
      issue({ user, expiresAt: clock() + signInTtlSeconds * 1000, ended: false }, clientId, refreshable),
    refresh: (refreshToken, clientId) => {
      const grant = refreshGrants.get(refreshToken);
      if (!grant || grant.spent || grant.clientId !== clientId || !live(grant.signIn)) return undefined;
      grant.spent = true;
      return issue(grant.signIn, clientId, true);
    },
    userOf: (accessToken) => grantOf(accessToken)?.signIn.user,
    logout: (accessToken) => {
      const grant = grantOf(accessToken);
      if (grant) grant.signIn.ended = true;
      return grant !== undefined;
    },
    revokeAccessTokens: () => {
      for (const grant of accessGrants.values()) grant.revoked = true;
    },
    endAllSignIns: () => {
      for (const grant of accessGrants.values()) grant.signIn.ended = true;
      for (const grant of refreshGrants.values()) grant.signIn.ended = true;
    },
  };
};
