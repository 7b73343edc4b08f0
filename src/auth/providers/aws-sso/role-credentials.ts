import { GetRoleCredentialsCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { ExitCode, RolecallError } from '../../../core/errors.js';
import { isText, textOrUndefined } from '../../../core/values.js';
import { serviceEndpoint } from '../../endpoints.js';
import type { AwsCredentials } from '../../identities/credentials.js';
import { awsErrorName, translateAwsError } from './aws-errors.js';
import { PaginationLoop, pages } from './discovery-pages.js';
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
      const accounts: { id: string; name: string }[] = [];
      try {
        for await (const items of pages((nextToken) =>
          call('ListAccounts', () =>
            client.send(new ListAccountsCommand({ accessToken, maxResults: MAX_PAGE_SIZE, nextToken })),
          ).then((page) => ({ items: page.accountList ?? [], nextToken: textOrUndefined(page.nextToken) })),
        )) {
          for (const { accountId, accountName } of items) {
            if (isText(accountId) && isText(accountName)) accounts.push({ id: accountId, name: accountName });
          }
        }
      } catch (error) {
        if (!(error instanceof PaginationLoop)) throw error;
        const what = error.message.startsWith('the same page token')
          ? 'returned a page token twice'
          : `never ends (${error.message})`;
        throw new RolecallError('aws.pagination-loop', `ListAccounts at ${endpoint} ${what}`, {
          hint: 'try again later; if it persists, name the account by id (principal.account.id)',
        });
      }
      const exact = accounts.filter((account) => account.name === name);
      const loose = accounts.filter((account) => account.name.toLowerCase() === name.toLowerCase());
      const found = exact.length > 0 ? exact : loose;
      if (found.length === 1) return found[0]!.id;
      throw new RolecallError(
        found.length === 0 ? 'account.not-found' : 'account.ambiguous',
        found.length === 0
          ? `no account named ${JSON.stringify(name)} is assigned to you at ${portal.startUrl}`
          : `${found.length} accounts are named ${JSON.stringify(name)}: ${found.map((account) => account.id).join(', ')}`,
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
      // The SDK does not check the types of what AWS answers.
      const expiration = typeof role?.expiration === 'number' ? new Date(role.expiration) : undefined;
      if (
        !isText(role?.accessKeyId) ||
        !isText(role.secretAccessKey) ||
        !isText(role.sessionToken) ||
        !expiration ||
        Number.isNaN(expiration.getTime())
      ) {
        throw new RolecallError(
          'aws.malformed',
          `GetRoleCredentials at ${endpoint} answered without valid credentials`,
          {
            hint: 'try again; if it persists, run with --log-level debug and report it',
          },
        );
      }
      return {
        accessKeyId: role.accessKeyId,
        secretAccessKey: role.secretAccessKey,
        sessionToken: role.sessionToken,
        // The portal gives epoch milliseconds.
        expiration: expiration.toISOString(),
      };
    },
    close: () => client.destroy(),
  } satisfies RoleCredentialsPortal;
}
