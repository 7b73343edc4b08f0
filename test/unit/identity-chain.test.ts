import { describe, expect, it } from 'vitest';
import { identityChain } from '../../src/auth/identities/chain.js';
import type { RolecallConfig } from '../../src/config/schema.js';

const config = (identities: Record<string, unknown>): RolecallConfig =>
  ({
    auth: {
      providers: {
        sso: { kind: 'aws/iam-identity-center', start_url: 'https://x.awsapps.com/start', region: 'eu-west-1' },
      },
      identities,
    },
  }) as RolecallConfig;

const permissionSet = {
  kind: 'aws/permission-set',
  via: { provider: 'sso' },
  principal: { name: 'Admin', account: { id: '111111111111' } },
  session: { duration: '12h' },
};
const assume = (parent: string, duration?: string) => ({
  kind: 'aws/assume-role',
  via: { identity: parent },
  principal: { assume_role: 'arn:aws:iam::222222222222:role/Deployer', ...(duration ? { duration } : {}) },
});

describe('identityChain', () => {
  it('follows via.identity to the provider, root first', () => {
    const chain = identityChain(
      config({ base: permissionSet, mid: assume('base'), top: assume('mid', '1h30m') }),
      'top',
      {},
    );
    expect(chain.steps.map((step) => [step.kind, step.identity])).toEqual([
      ['permission-set', 'base'],
      ['assume-role', 'mid'],
      ['assume-role', 'top'],
    ]);
    expect(chain.region).toBe('eu-west-1');
    expect(chain.provider?.name).toBe('sso');
    expect(chain.steps[0]).toMatchObject({ requestedSeconds: 43_200, account: { id: '111111111111' } });
    expect(chain.steps[2]).toMatchObject({ requestedSeconds: 5400 });
  });

  it('gives each step its own fingerprint, and the same one for the same definition', () => {
    const identities = { base: permissionSet, top: assume('base') };
    const first = identityChain(config(identities), 'top', {});
    const again = identityChain(config(identities), 'top', {});
    expect(new Set(first.fingerprints).size).toBe(2);
    expect(again.fingerprints).toEqual(first.fingerprints);
  });

  it('changes the fingerprints when the definition or the endpoints change', () => {
    const base = identityChain(config({ base: permissionSet }), 'base', {});
    const otherAccount = identityChain(
      config({ base: { ...permissionSet, principal: { name: 'Admin', account: { id: '333333333333' } } } }),
      'base',
      {},
    );
    const emulated = identityChain(config({ base: permissionSet }), 'base', {
      AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9',
    });
    expect(otherAccount.fingerprints[0]).not.toBe(base.fingerprints[0]);
    expect(emulated.fingerprints[0]).not.toBe(base.fingerprints[0]);
  });

  it('refuses a cycle, naming it', () => {
    expect(() => identityChain(config({ a: assume('b'), b: assume('a') }), 'a', {})).toThrow(/a → b → a/);
  });

  it('explains that an assume-role needs an identity to start from', () => {
    const direct = { ...assume('x'), via: { provider: 'sso' } };
    expect(() => identityChain(config({ direct }), 'direct', {})).toThrow(/permission sets/);
  });

  it('refuses an Atmos-only kind with a clear message', () => {
    expect(() => identityChain(config({ root: { kind: 'aws/assume-root' } }), 'root', {})).toThrow(
      /cannot issue credentials/,
    );
  });

  it("uses an aws/user's region, else us-east-1", () => {
    expect(identityChain(config({ u: { kind: 'aws/user', region: 'ap-south-1' } }), 'u', {}).region).toBe('ap-south-1');
    expect(identityChain(config({ u: { kind: 'aws/user' } }), 'u', {}).region).toBe('us-east-1');
  });
});
