import type { Clock } from './clock.js';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from './ids.js';
import type { Principal } from './principals.js';

/** Temporary credentials the emulator handed out: every one is a role session. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  principal: Principal;
}

export interface CredentialStore {
  issue(principal: Principal, ttlSeconds: number): IssuedCredentials;
  find(accessKeyId: string): IssuedCredentials | undefined;
}

export const createCredentialStore = (clock: Clock): CredentialStore => {
  const byAccessKeyId = new Map<string, IssuedCredentials>();
  return {
    issue: (principal, ttlSeconds) => {
      const issued = {
        accessKeyId: newAccessKeyId(),
        secretAccessKey: newSecretAccessKey(),
        sessionToken: newSessionToken(),
        expiresAt: clock() + ttlSeconds * 1000,
        principal,
      };
      byAccessKeyId.set(issued.accessKeyId, issued);
      return issued;
    },
    find: (accessKeyId) => byAccessKeyId.get(accessKeyId),
  };
};
