import { GetRoleCredentialsCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { ExitCode, RolecallError } from '../../../core/errors.js';
import { serviceEndpoint } from '../../endpoints.js';
import type { AwsCredentials } from '../../identities/credentials.js';
import { awsErrorName, translateAwsError } from './aws-errors.js';
import { MAX_PAGE_SIZE } from './discovery-portal.js';
import { type Portal, REQUEST_LIMITS } from './portal.js';
import { quietSdkNotices } from './sdk-quiet.js';

/** The portal calls that turn an SSO session into role credentials. */
export interface RoleCredentialsPortal {
  /** The id of the account with this name (exact, else the only case-insensitive match), through every page. */
  accountIdByName(name: string): Promise<string>;
  roleCredentials(accountId: string, roleName: string): Promise<AwsCredentials>;
  close(): void;
}

export function openRoleCredentialsPortal(portal: Portal, accessToken: string, env: NodeJS.ProcessEnv) {
  quietSdkNotices();
  const endpoint = serviceEndpoint('SSO', portal.region, env);
  const client = new SSOClient({ region: portal.region, endpoint, maxAttempts: 4, requestHandler: REQUEST_LIMITS });
  const call = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw translateAwsError(error, operation, endpoint);
    }
  };
  return {
    async accountIdByName(name) {
      const accounts: { accountId?: string; accountName?: string }[] = [];
      const seen = new Set<string>();
      let nextToken: string | undefined;
      do {
        const page = await call('ListAccounts', () =>
          client.send(new ListAccountsCommand({ accessToken, maxResults: MAX_PAGE_SIZE, nextToken })),
        );
        accounts.push(...(page.accountList ?? []));
        nextToken = page.nextToken || undefined;
        if (nextToken !== undefined && seen.has(nextToken)) {
          throw new RolecallError('aws.pagination-loop', `ListAccounts at ${endpoint} returned a page token twice`, {
            hint: 'try again later; if it persists, name the account by id (principal.account.id)',
          });
        }
        if (nextToken !== undefined) seen.add(nextToken);
      } while (nextToken !== undefined);
      const exact = accounts.filter((account) => account.accountName === name);
      const loose = accounts.filter((account) => account.accountName?.toLowerCase() === name.toLowerCase());
      const found = exact.length > 0 ? exact : loose;
      if (found.length === 1 && found[0]!.accountId) return found[0]!.accountId;
      throw new RolecallError(
        found.length === 0 ? 'account.not-found' : 'account.ambiguous',
        found.length === 0
          ? `no account named ${JSON.stringify(name)} is assigned to you at ${portal.startUrl}`
          : `${found.length} accounts are named ${JSON.stringify(name)}: ${found.map((account) => account.accountId).join(', ')}`,
        { exitCode: ExitCode.usage, hint: 'name the account by id: principal.account.id' },
      );
    },
    async roleCredentials(accountId, roleName) {
      const output = await client
        .send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }))
        .catch((error) => {
          if (!['ForbiddenException', 'ResourceNotFoundException'].includes(awsErrorName(error) ?? '')) {
            throw translateAwsError(error, 'GetRoleCredentials', endpoint);
          }
          throw new RolecallError(
            'role.not-assigned',
            `permission set ${roleName} in account ${accountId} is not assigned to you (GetRoleCredentials: ${awsErrorName(error)})`,
            {
              exitCode: ExitCode.auth,
              hint: 'run `rolecall provision` to refresh the identities, or ask your administrator for the assignment',
              cause: error,
            },
          );
        });
      const role = output.roleCredentials;
      if (!role?.accessKeyId || !role.secretAccessKey || !role.sessionToken || !role.expiration) {
        throw new RolecallError('aws.malformed', `GetRoleCredentials at ${endpoint} answered without credentials`, {
          hint: 'try again; if it persists, run with --log-level debug and report it',
        });
      }
      return {
        accessKeyId: role.accessKeyId,
        secretAccessKey: role.secretAccessKey,
        sessionToken: role.sessionToken,
        // The portal gives epoch milliseconds.
        expiration: new Date(role.expiration).toISOString(),
      };
    },
    close: () => client.destroy(),
  } satisfies RoleCredentialsPortal;
}
