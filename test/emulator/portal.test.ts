import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccountRoles,
  paginateListAccounts,
} from '@aws-sdk/client-sso';
import { describe, expect, it } from 'vitest';
import { type Emulator, generateOrg, parseOrg } from '../../src/emulator/index.js';
import { emulatorFor, failure, manualClock, roleCredentials, sdkClients, signIn } from './helpers.js';

const signedIn = async (options: Parameters<typeof emulatorFor>[0] = {}) => {
  const emulator = await emulatorFor(options);
  const { accessToken = '' } = await signIn(emulator);
  return { emulator, accessToken, sso: sdkClients(emulator).sso };
};

const rawPortal = (emulator: Emulator, path: string, accessToken: string) =>
  fetch(`${emulator.url}${path}`, { headers: { 'x-amz-sso_bearer_token': accessToken } });

describe('ListAccounts and ListAccountRoles', () => {
  it('return 20 items a page by default, and the SDK paginator walks every page in order', async () => {
    const { emulator, accessToken, sso } = await signedIn({ org: generateOrg(45, 2) });
    const first = await sso.send(new ListAccountsCommand({ accessToken }));
    expect(first.accountList).toHaveLength(20);
    expect(first.nextToken).toBeTruthy();

    const pages = [];
    for await (const page of paginateListAccounts({ client: sso }, { accessToken })) pages.push(page);
    expect(pages.map((page) => page.accountList?.length)).toEqual([20, 20, 5]);
    expect(pages.at(-1)?.nextToken).toBeUndefined();
    expect(pages.flatMap((page) => page.accountList ?? []).map((account) => account.accountId)).toEqual(
      emulator.org.accounts.map((account) => account.id),
    );
  });

  it('take max_result from 1 to 100 and answer 0 or 101 with InvalidRequestException', async () => {
    const { accessToken, sso } = await signedIn({ org: generateOrg(150, 1) });
    expect((await sso.send(new ListAccountsCommand({ accessToken, maxResults: 1 }))).accountList).toHaveLength(1);
    expect((await sso.send(new ListAccountsCommand({ accessToken, maxResults: 100 }))).accountList).toHaveLength(100);
    for (const maxResults of [0, 101]) {
      const refused = await failure(sso.send(new ListAccountsCommand({ accessToken, maxResults })));
      expect(refused.name).toBe('InvalidRequestException');
      expect(refused.message).toBe('ResultSize parameter must be within the valid limits of: 1-100');
    }
  });

  it('end exactly at a page boundary without a next token', async () => {
    const { accessToken, sso } = await signedIn({ org: generateOrg(40, 1) });
    const first = await sso.send(new ListAccountsCommand({ accessToken }));
    const second = await sso.send(new ListAccountsCommand({ accessToken, nextToken: first.nextToken }));
    expect(second.accountList).toHaveLength(20);
    expect(second.nextToken).toBeUndefined();
  });

  it('use the configured default page size', async () => {
    const { accessToken, sso } = await signedIn({ org: generateOrg(10, 1), pageSize: 3 });
    expect((await sso.send(new ListAccountsCommand({ accessToken }))).accountList).toHaveLength(3);
  });

  it('mint opaque URL-safe next tokens that cannot be forged or used on another list', async () => {
    const { emulator, accessToken } = await signedIn({ org: generateOrg(3, 30) });
    const accountId = emulator.org.accounts[0]?.id ?? '';
    const firstPage = (await (await rawPortal(emulator, '/assignment/accounts?max_result=1', accessToken)).json()) as {
      nextToken: string;
    };
    expect(firstPage.nextToken).toMatch(/^[A-Za-z0-9_.-]+$/);

    const forged = await rawPortal(emulator, `/assignment/accounts?next_token=${firstPage.nextToken}x`, accessToken);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
    const elsewhere = await rawPortal(
      emulator,
      `/assignment/roles?account_id=${accountId}&next_token=${firstPage.nextToken}`,
      accessToken,
    );
    expect(elsewhere.status).toBe(400);
  });

  it('page through the roles of an account', async () => {
    const { emulator, accessToken, sso } = await signedIn({ org: generateOrg(2, 25) });
    const accountId = emulator.org.accounts[1]?.id ?? '';
    const roles = [];
    for await (const page of paginateListAccountRoles({ client: sso }, { accessToken, accountId })) {
      roles.push(...(page.roleList ?? []));
    }
    expect(roles).toHaveLength(25);
    expect(roles[0]).toEqual({ roleName: 'AdministratorAccess', accountId });
    expect(roles[12]?.roleName).toBe('AdministratorAccess2');
  });

  it('return account names as the org file has them: duplicates, dots, spaces, unicode', async () => {
    const org = parseOrg(
      `accounts:
  - { id: "000000000001", name: "sandbox", roles: [ReadOnlyAccess] }
  - { id: "000000000002", name: "sandbox", roles: [ReadOnlyAccess] }
  - { id: "000000000003", name: "data.platform team", roles: [] }
  - { id: "000000000004", name: "Équipe 東京 🚀", email: "tokyo@example.com", roles: [ReadOnlyAccess] }
`,
      'org.yaml',
    );
    const { accessToken, sso } = await signedIn({ org });
    const { accountList = [] } = await sso.send(new ListAccountsCommand({ accessToken }));
    expect(accountList.map((account) => account.accountName)).toEqual([
      'sandbox',
      'sandbox',
      'data.platform team',
      'Équipe 東京 🚀',
    ]);
    expect(accountList[3]).toEqual({
      accountId: '000000000004',
      accountName: 'Équipe 東京 🚀',
      emailAddress: 'tokyo@example.com',
    });
    const empty = await sso.send(new ListAccountRolesCommand({ accessToken, accountId: '000000000003' }));
    expect(empty.roleList).toEqual([]);
  });

  it('answer 403 ForbiddenException for an account that is not assigned', async () => {
    const { accessToken, sso } = await signedIn();
    const refused = await failure(sso.send(new ListAccountRolesCommand({ accessToken, accountId: '000000000000' })));
    expect(refused.name).toBe('ForbiddenException');
  });
});

describe('GetRoleCredentials', () => {
  it('returns temporary credentials whose expiration is in epoch milliseconds', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 28, 12));
    const { emulator, accessToken } = await signedIn({ clock, credentialTtl: 900 });
    const creds = await roleCredentials(emulator, accessToken, '111111111111', 'ReadOnlyAccess');
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toHaveLength(40);
    expect(creds.sessionToken.length).toBeGreaterThan(100);
    expect(creds.expiration).toBe(Date.UTC(2026, 10, 28, 12, 15));
  });

  it("uses the permission set's own session duration when the org file sets one", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 28, 12));
    const { emulator, accessToken } = await signedIn({ clock });
    const creds = await roleCredentials(emulator, accessToken, '222222222222', 'PowerUserAccess');
    expect(creds.expiration).toBe(Date.UTC(2026, 10, 28, 16));
  });

  it('answers 403 ForbiddenException "No access" for a role that is not assigned', async () => {
    const { emulator, accessToken, sso } = await signedIn();
    const refused = await failure(
      sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '111111111111', roleName: 'PowerUserAccess' })),
    );
    expect(refused.name).toBe('ForbiddenException');
    expect(refused.message).toBe('No access');
    const raw = await rawPortal(emulator, '/federation/credentials?account_id=999000000000&role_name=X', accessToken);
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({
      message: 'No access',
      __type: 'com.amazonaws.switchboard.portal#ForbiddenException',
    });
  });

  it('requires role_name and account_id', async () => {
    const { emulator, accessToken } = await signedIn();
    const missing = await rawPortal(emulator, '/federation/credentials?account_id=111111111111', accessToken);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
  });
});

describe('portal sign-in', () => {
  it('refuses a missing or unknown token with 401 UnauthorizedException', async () => {
    const { emulator, sso } = await signedIn();
    const unknown = await failure(sso.send(new ListAccountsCommand({ accessToken: 'aoa-nope' })));
    expect(unknown.name).toBe('UnauthorizedException');
    const raw = await fetch(`${emulator.url}/assignment/accounts`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await raw.json()).toEqual({
      message: 'Session token not found or invalid',
      __type: 'com.amazonaws.switchboard.portal#UnauthorizedException',
    });
  });

  it('ends at Logout: the token then gets 401', async () => {
    const { accessToken, sso } = await signedIn();
    await sso.send(new ListAccountsCommand({ accessToken }));
    await sso.send(new LogoutCommand({ accessToken }));
    expect((await failure(sso.send(new ListAccountsCommand({ accessToken })))).name).toBe('UnauthorizedException');
    expect((await failure(sso.send(new LogoutCommand({ accessToken })))).name).toBe('UnauthorizedException');
  });

  it('answers a wrong verb with 405 MethodNotAllowedException', async () => {
    const { emulator, accessToken } = await signedIn();
    const response = await fetch(`${emulator.url}/assignment/accounts`, {
      method: 'POST',
      headers: { 'x-amz-sso_bearer_token': accessToken },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('x-amzn-errortype')).toBe('MethodNotAllowedException');
  });
});
