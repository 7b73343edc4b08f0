import { describe, expect, it } from 'vitest';
import { globFilter } from '../../src/auth/providers/aws-sso/assignment-filter.js';
import { nameAssignments } from '../../src/auth/providers/aws-sso/identity-names.js';
import { renderProvisionedFile } from '../../src/auth/providers/aws-sso/provisioned-file.js';

const names = (result: ReturnType<typeof nameAssignments>) => [...result.identities.keys()].sort();

describe('naming assignments', () => {
  it('uses {account}/{role} by default', () => {
    expect(names(nameAssignments([{ accountId: '1', accountName: 'prod', role: 'Admin' }]))).toEqual(['prod/Admin']);
  });

  it('tells apart accounts whose names collide, also only by case, and reports them', () => {
    const result = nameAssignments([
      { accountId: '111', accountName: 'prod', role: 'Admin' },
      { accountId: '222', accountName: 'Prod', role: 'Admin' },
      { accountId: '333', accountName: 'dev', role: 'Admin' },
    ]);
    expect(names(result)).toEqual(['Prod (222)/Admin', 'dev/Admin', 'prod (111)/Admin']);
    expect(result.collisions).toEqual([{ name: 'prod', accountIds: ['111', '222'] }]);
  });

  it('replaces control characters and path separators inside a name part', () => {
    const result = nameAssignments([{ accountId: '1', accountName: 'a/b\\c\nd\u0007e', role: 'R/W' }]);
    expect(names(result)).toEqual(['a-b-c-d-e/R-W']);
  });

  it('keeps names unique whatever the template', () => {
    const result = nameAssignments(
      [
        { accountId: '111', accountName: 'a', role: 'Admin' },
        { accountId: '222', accountName: 'b', role: 'Admin' },
      ],
      '{role_lower}',
    );
    expect(names(result)).toEqual(['admin (111)', 'admin (222)']);
  });

  it('fills every placeholder', () => {
    const result = nameAssignments(
      [{ accountId: '111', accountName: 'Prod', role: 'Admin' }],
      '{account}|{account_id}|{account_lower}|{role}|{role_lower}',
    );
    expect(names(result)).toEqual(['Prod|111|prod|Admin|admin']);
  });
});

describe('filters', () => {
  it('include by name or id, then exclude', () => {
    const keep = globFilter({ include: ['prod-*', '222'], exclude: ['*-legacy'] });
    expect(keep('prod-eu', '111')).toBe(true);
    expect(keep('other', '222')).toBe(true);
    expect(keep('prod-legacy', '333')).toBe(false);
    expect(keep('other', '444')).toBe(false);
    expect(globFilter(undefined)('a/b')).toBe(true);
    expect(globFilter({ include: ['*'] })('a/b')).toBe(true);
  });
});

describe('the provisioned file', () => {
  it('has identical bytes for identical input, whatever the order', () => {
    const metadata = {
      provider: 'p',
      startUrl: 'https://x.awsapps.com/start',
      region: 'us-east-1',
      provisionedAt: '2026-11-28T00:00:00.000Z',
      accounts: 2,
      roles: 2,
      staleAccounts: 0,
    };
    const a = { name: 'b/X', accountId: '2', accountName: 'b', role: 'X' };
    const b = { name: 'A/Y', accountId: '1', accountName: 'A', role: 'Y' };
    expect(renderProvisionedFile(metadata, [a, b])).toBe(renderProvisionedFile(metadata, [b, a]));
  });
});
