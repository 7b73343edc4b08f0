import { describe, expect, it } from 'vitest';
import { generateOrg, parseOrg } from '../../src/emulator/index.js';
import { opCount } from '../support/emulator.js';
import { fakePortal } from './fake-portal.js';
import { discoverWith, everyAssignment, signedIn, unpaced } from './helpers.js';

const pagesOf = (items: number) => Math.max(1, Math.ceil(items / 100));

describe('discovery pages through every listing', () => {
  it.each([
    [1, 1],
    [99, 99],
    [100, 100],
    [101, 101],
  ])('finds all of %i accounts with %i roles each, one request per page of 100', async (accounts, roles) => {
    const org = generateOrg(accounts, roles);
    const { emu, discover } = await signedIn({ org });

    const result = await discover({ tuning: unpaced });

    expect(result.accounts).toEqual(everyAssignment(org));
    expect(opCount(emu, 'ListAccounts')).toBe(pagesOf(accounts));
    expect(opCount(emu, 'ListAccountRoles')).toBe(accounts * pagesOf(roles));
    expect(result).toMatchObject({ requests: pagesOf(accounts) * (1 + accounts), throttled: 0, retries: 0 });
  });

  it('asks for pages of 100 whatever the portal’s default page size', async () => {
    const org = generateOrg(250, 3);
    const { emu, discover } = await signedIn({ org, pageSize: 1 });

    expect((await discover({ tuning: unpaced })).accounts).toEqual(everyAssignment(org));
    expect(opCount(emu, 'ListAccounts')).toBe(3);
    expect(opCount(emu, 'ListAccountRoles')).toBe(250);
  });

  it('never sends a max_result above 100 (AWS rejects it since 2026)', async () => {
    const portal = await fakePortal((path, query) =>
      path === '/assignment/accounts'
        ? query.get('next_token')
          ? { body: { accountList: [{ accountId: '222222222222', accountName: 'two' }] } }
          : { body: { accountList: [{ accountId: '111111111111', accountName: 'one' }], nextToken: 'page-2' } }
        : { body: { roleList: [{ roleName: 'ReadOnlyAccess', accountId: query.get('account_id') }] } },
    );

    const result = await discoverWith('token', portal.env, { tuning: unpaced });

    expect(result.accounts.map((account) => account.id)).toEqual(['111111111111', '222222222222']);
    expect(portal.requests).toHaveLength(4);
    for (const { query } of portal.requests) expect(query.get('max_result')).toBe('100');
  });

  it('gives an account without roles an empty list, and keeps names as the portal spells them', async () => {
    const org = parseOrg(
      [
        'accounts:',
        '  - { id: "000000000001", name: "Zürich prod.", email: z@example.com, roles: [ReadOnlyAccess, Billing] }',
        '  - { id: "000000000002", name: sandbox, roles: [] }',
        '  - { id: "000000000003", name: sandbox, roles: [AdministratorAccess] }',
      ].join('\n'),
      'org.yaml',
    );
    const { discover } = await signedIn({ org });

    expect((await discover({ tuning: unpaced })).accounts).toEqual([
      { id: '000000000001', name: 'Zürich prod.', email: 'z@example.com', roles: ['Billing', 'ReadOnlyAccess'] },
      { id: '000000000002', name: 'sandbox', email: expect.any(String), roles: [] },
      { id: '000000000003', name: 'sandbox', email: expect.any(String), roles: ['AdministratorAccess'] },
    ]);
  });
});
