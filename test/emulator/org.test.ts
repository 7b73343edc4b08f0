import { describe, expect, it } from 'vitest';
import { generateOrg, OrgError, parseOrg, SAMPLE_ORG_YAML, sampleOrg } from '../../src/emulator/index.js';

const problem = (text: string): OrgError => {
  try {
    parseOrg(text, 'org.yaml');
  } catch (error) {
    if (error instanceof OrgError) return error;
    throw error;
  }
  throw new Error('expected the org file to be refused');
};

describe('org files', () => {
  it('read accounts with roles as names or with a session duration', () => {
    const org = parseOrg(
      `user: bob@example.com
accounts:
  - id: "012345678901"
    name: yes
    email: bob@example.com
    roles:
      - ReadOnlyAccess
      - { name: AdministratorAccess, duration: 7200 }
  - id: 999999999999
    name: 1.0
`,
      'org.yaml',
    );
    expect(org).toEqual({
      user: 'bob@example.com',
      accounts: [
        {
          id: '012345678901',
          name: 'yes',
          email: 'bob@example.com',
          roles: [{ name: 'ReadOnlyAccess' }, { name: 'AdministratorAccess', durationSeconds: 7200 }],
        },
        { id: '999999999999', name: '1.0', email: 'aws+999999999999@example.com', roles: [] },
      ],
    });
  });

  it.each([
    ['accounts:\n  - id: "12"\n    name: a\n', 'org.yaml:2:9: accounts[0].id: must be 12 digits'],
    ['accounts:\n  - id: "111111111111"\n', 'org.yaml:2:5: accounts[0].name: is required'],
    [
      'accounts:\n  - { id: "111111111111", name: a }\n  - { id: "111111111111", name: b }\n',
      'org.yaml:3:11: accounts[1].id: duplicate account id (first at line 2)',
    ],
    [
      'accounts:\n  - { id: "111111111111", name: a, roles: [Admin, "has space"] }\n',
      'org.yaml:2:51: accounts[0].roles[1]: must be a permission set name',
    ],
    [
      'accounts:\n  - { id: "111111111111", name: a, roles: [{ name: Admin, duration: 0 }] }\n',
      'org.yaml:2:69: accounts[0].roles[0].duration: must be whole seconds from 1 to 43200',
    ],
    [
      'accounts:\n  - { id: "111111111111", name: a, roles: [Admin, Admin] }\n',
      'org.yaml:2:51: accounts[0].roles[1]: duplicate permission set Admin',
    ],
    ['acounts: []\n', 'org.yaml:1:1: acounts: unknown field (expected user, accounts)'],
    ['user: alice\n', 'org.yaml:1:1: accounts: must be a list of accounts'],
    ['user: "a b"\naccounts: []\n', 'org.yaml:1:7: user: must be 2-64 of letters'],
    ['accounts: [\n', 'org.yaml:1:1: (yaml):'],
    ['', 'org.yaml:1:1: (top level): must be a map'],
  ])('refuse %j naming file, line, column and field', (text, expected) => {
    expect(problem(text).message.slice(0, expected.length)).toBe(expected);
  });
});

describe('generated orgs', () => {
  it('are the same on every run, with 12-digit ids and cycling permission set names', () => {
    const org = generateOrg(1000, 14);
    expect(org).toEqual(generateOrg(1000, 14));
    expect(org.accounts).toHaveLength(1000);
    expect(org.accounts[0]).toMatchObject({ id: '100000000001', name: 'account-0001' });
    expect(org.accounts[999]).toMatchObject({ id: '100000001000', name: 'account-1000' });
    expect(org.accounts.every((account) => /^\d{12}$/.test(account.id))).toBe(true);
    expect(org.accounts[0]?.roles.map((role) => role.name)).toEqual([
      'AdministratorAccess',
      'PowerUserAccess',
      'ReadOnlyAccess',
      'ViewOnlyAccess',
      'Billing',
      'SecurityAudit',
      'DatabaseAdministrator',
      'NetworkAdministrator',
      'SystemAdministrator',
      'DataScientist',
      'SupportUser',
      'DeveloperAccess',
      'AdministratorAccess2',
      'PowerUserAccess2',
    ]);
  });
});

describe('the sample org', () => {
  it('has a dozen accounts, several permission sets and an account name used twice', () => {
    const org = sampleOrg();
    expect(parseOrg(SAMPLE_ORG_YAML, 'sample-org.yaml')).toEqual(org);
    expect(org.accounts).toHaveLength(12);
    expect(new Set(org.accounts.flatMap((account) => account.roles.map((role) => role.name))).size).toBeGreaterThan(5);
    const names = org.accounts.map((account) => account.name);
    expect(names.length - new Set(names).size).toBe(1);
  });
});
