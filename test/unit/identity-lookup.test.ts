import { describe, expect, it } from 'vitest';
import { closestNames, lookupIdentity } from '../../src/auth/identities/lookup.js';
import { fuzzyFilter } from '../../src/cli/fuzzy.js';

const names = [
  'production/AdministratorAccess',
  'production/ReadOnlyAccess',
  'development/AdministratorAccess',
  'sandbox (555555555555)/PowerUserAccess',
  'Team/Admin',
  'team/admin',
];

describe('lookupIdentity', () => {
  it('finds a name given exactly', () => {
    expect(lookupIdentity(names, 'production/ReadOnlyAccess')).toEqual({ name: 'production/ReadOnlyAccess' });
  });

  it('finds a name given in another case when only one matches', () => {
    expect(lookupIdentity(names, 'PRODUCTION/readonlyaccess')).toEqual({ name: 'production/ReadOnlyAccess' });
  });

  it('prefers the exact name over others that differ only in case', () => {
    expect(lookupIdentity(names, 'team/admin')).toEqual({ name: 'team/admin' });
  });

  it('reports names that differ only in case as ambiguous', () => {
    expect(lookupIdentity(names, 'TEAM/ADMIN')).toEqual({ ambiguous: ['Team/Admin', 'team/admin'] });
  });

  it('suggests the closest names for a typo', () => {
    expect(lookupIdentity(names, 'production/ReadOnlyAcess')).toEqual({
      missing: true,
      suggestions: ['production/ReadOnlyAccess'],
    });
  });

  it('suggests the names that contain what was typed', () => {
    expect(closestNames(names, 'administrator')).toEqual([
      'development/AdministratorAccess',
      'production/AdministratorAccess',
    ]);
  });

  it('suggests nothing for a name far from every other', () => {
    expect(closestNames(names, 'zzzzzzzz')).toEqual([]);
  });
});

describe('fuzzyFilter', () => {
  it('keeps every name, in order, for an empty term', () => {
    expect(fuzzyFilter(names, '  ')).toEqual(names);
  });

  it('matches letters in order, scattered through the name, the tightest match first', () => {
    expect(fuzzyFilter(names, 'prodro')).toEqual(['production/ReadOnlyAccess', 'production/AdministratorAccess']);
  });

  it('ranks a substring before a scattered match, and an earlier one first', () => {
    expect(fuzzyFilter(['xx-admin', 'admin', 'a-d-m-i-n'], 'admin')).toEqual(['admin', 'xx-admin', 'a-d-m-i-n']);
  });

  it('ignores case', () => {
    expect(fuzzyFilter(names, 'POWERUSER')).toEqual(['sandbox (555555555555)/PowerUserAccess']);
  });

  it('drops names that lack a typed letter', () => {
    expect(fuzzyFilter(names, 'qq')).toEqual([]);
  });
});
