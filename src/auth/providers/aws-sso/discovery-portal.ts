import { ListAccountRolesCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { isText, textOrUndefined } from '../../../core/values.js';
import { serviceEndpoint } from '../../endpoints.js';
import type { Page } from './discovery-pages.js';
import { quietSdkNotices } from './sdk-quiet.js';

/** The most ListAccounts and ListAccountRoles may be asked for: AWS rejects more since 2026. */
export const MAX_PAGE_SIZE = 100;

export interface AccountSummary {
  id: string;
  name: string;
  email?: string;
}

/** The two portal listings discovery uses, one page per call, for one access token. */
export interface DiscoveryPortal {
  /** Where requests go, for messages. */
  readonly endpoint: string;
  listAccounts(nextToken: string | undefined, signal: AbortSignal): Promise<Page<AccountSummary>>;
  /** Permission set names. */
  listAccountRoles(accountId: string, nextToken: string | undefined, signal: AbortSignal): Promise<Page<string>>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * One SSO client for a whole discovery run: kept-alive connections (as many as requests may be in
 * flight), a connect timeout, and no SDK retries, since the run's shared limiter decides when to try
 * again. The endpoint comes from the given environment, as the SDK would read it from the process's.
 */
export function openDiscoveryPortal(input: {
  accessToken: string;
  region: string;
  env: NodeJS.ProcessEnv;
  maxConnections: number;
  connectTimeoutMs: number;
}): DiscoveryPortal {
  const { accessToken, region, env } = input;
  quietSdkNotices();
  const endpoint = serviceEndpoint('SSO', region, env);
  const agent = { keepAlive: true, maxSockets: input.maxConnections };
  const client = new SSOClient({
    region,
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: input.connectTimeoutMs, httpAgent: agent, httpsAgent: agent },
  });
  return {
    endpoint,
    async listAccounts(nextToken, signal) {
      const output = await client.send(new ListAccountsCommand({ accessToken, maxResults: MAX_PAGE_SIZE, nextToken }), {
        abortSignal: signal,
      });
      return {
        // The SDK does not check the types of what AWS answers: anything but text is left out.
        items: (output.accountList ?? []).flatMap(({ accountId, accountName, emailAddress }) =>
          isText(accountId)
            ? [
                {
                  id: accountId,
                  name: isText(accountName) ? accountName : accountId,
                  email: textOrUndefined(emailAddress),
                },
              ]
            : [],
        ),
        nextToken: output.nextToken,
      };
    },
    async listAccountRoles(accountId, nextToken, signal) {
      const output = await client.send(
        new ListAccountRolesCommand({ accessToken, accountId, maxResults: MAX_PAGE_SIZE, nextToken }),
        { abortSignal: signal },
      );
      return {
        items: (output.roleList ?? []).flatMap(({ roleName }) => (isText(roleName) ? [roleName] : [])),
        nextToken: output.nextToken,
      };
    },
    close: () => client.destroy(),
  };
}
