import type { CredentialStore } from './credentials.js';
import { awsError } from './errors.js';
import { type EmuRequest, emptyReply, jsonReply, type Reply, singleHeader } from './http.js';
import type { OrgAccount, OrgRole } from './org.js';
import { createPaginator } from './pagination.js';
import { permissionSetPrincipal } from './principals.js';
import type { Sessions } from './sessions.js';
import type { Settings } from './settings.js';

/** The SSO portal API: what the signed-in user may use, and credentials for it. */
export interface Portal {
  listAccounts(req: EmuRequest): Reply;
  listAccountRoles(req: EmuRequest): Reply;
  getRoleCredentials(req: EmuRequest): Reply;
  logout(req: EmuRequest): Reply;
}

const BEARER_HEADER = 'x-amz-sso_bearer_token';

export const createPortal = (settings: Settings, sessions: Sessions, credentials: CredentialStore): Portal => {
  const { org } = settings;
  const accounts = new Map(
    org.accounts.map((account) => [account.id, { account, roles: new Map(account.roles.map((r) => [r.name, r])) }]),
  );
  const paginate = createPaginator(settings.pageSize);

  const signedInUser = (req: EmuRequest): string => {
    const user = sessions.userOf(singleHeader(req.headers, BEARER_HEADER) ?? '');
    if (user === undefined) throw awsError('UnauthorizedException');
    return user;
  };

  const requiredParam = (req: EmuRequest, name: string): string => {
    const value = req.query.get(name);
    if (!value) throw awsError('InvalidRequestException', `Missing required parameter: ${name}`);
    return value;
  };

  // Real Identity Center does not tell an account you may not use from one that does not exist.
  const assigned = (accountId: string) => {
    const entry = accounts.get(accountId);
    if (!entry) throw awsError('ForbiddenException');
    return entry;
  };

  return {
    listAccounts: (req) => {
      signedInUser(req);
      const page = paginate(org.accounts, 'accounts', req.query);
      return jsonReply({
        accountList: page.items.map((account: OrgAccount) => ({
          accountId: account.id,
          accountName: account.name,
          emailAddress: account.email,
        })),
        nextToken: page.nextToken,
      });
    },

    listAccountRoles: (req) => {
      signedInUser(req);
      const { account } = assigned(requiredParam(req, 'account_id'));
      const page = paginate(account.roles, `roles/${account.id}`, req.query);
      return jsonReply({
        roleList: page.items.map((role: OrgRole) => ({ roleName: role.name, accountId: account.id })),
        nextToken: page.nextToken,
      });
    },

    getRoleCredentials: (req) => {
      const user = signedInUser(req);
      const roleName = requiredParam(req, 'role_name');
      const { account, roles } = assigned(requiredParam(req, 'account_id'));
      const role = roles.get(roleName);
      if (!role) throw awsError('ForbiddenException');
      const issued = credentials.issue(
        permissionSetPrincipal(account.id, role.name, user),
        role.durationSeconds ?? settings.credentialTtlSeconds,
      );
      return jsonReply({
        roleCredentials: {
          accessKeyId: issued.accessKeyId,
          secretAccessKey: issued.secretAccessKey,
          sessionToken: issued.sessionToken,
          expiration: issued.expiresAt,
        },
      });
    },

    logout: (req) => {
      if (!sessions.logout(singleHeader(req.headers, BEARER_HEADER) ?? '')) throw awsError('UnauthorizedException');
      return emptyReply();
    },
  };
};
