import { createHash } from 'node:crypto';
import { durationSeconds } from '../../config/duration.js';
import { directProvider, parentOf } from '../../config/identity-graph.js';
import { type IdentityKind, isSupportedIdentityKind } from '../../config/kinds.js';
import type { IdentityConfig, RolecallConfig } from '../../config/schema.js';
import { usageError } from '../../core/errors.js';
import { endpointsKey } from '../endpoints.js';
import type { Portal } from '../providers/aws-sso/portal.js';

/** An identity center permission set in one account, fetched with the provider's SSO session. */
export interface PermissionSetStep {
  kind: 'permission-set';
  identity: string;
  provider: string;
  portal: Portal;
  account: { id?: string; name?: string };
  roleName: string;
  /** What the configuration asks for; AWS decides (the permission set's session duration). */
  requestedSeconds?: number;
}

/** An IAM role assumed with the credentials of the step before it. */
export interface AssumeRoleStep {
  kind: 'assume-role';
  identity: string;
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  requestedSeconds?: number;
}

/** Long-lived keys of an IAM user, from the secure store or the environment. */
export interface UserStep {
  kind: 'user';
  identity: string;
}

export type CredentialStep = PermissionSetStep | AssumeRoleStep | UserStep;

/** How an identity's credentials are made: its steps from the root to itself, each with a stable key. */
export interface IdentityChain {
  name: string;
  steps: CredentialStep[];
  /** Per step: a hash of everything that decides its credentials, so a changed definition is a new cache entry. */
  fingerprints: string[];
  /** The region clients of this identity use. */
  region: string;
  /** The provider whose session the chain starts from, if any. */
  provider?: { name: string; portal: Portal };
}

const DEFAULT_REGION = 'us-east-1';

/**
 * The chain of steps that gives `name` its credentials, following `via.identity` to the root. The
 * AWS endpoints the environment names are part of each fingerprint: credentials from an emulator are
 * not AWS's.
 */
export function identityChain(config: RolecallConfig, name: string, env: NodeJS.ProcessEnv): IdentityChain {
  const identities = config.auth?.identities ?? {};
  const names: string[] = [];
  for (let current: string | undefined = name; current !== undefined; ) {
    if (names.includes(current)) {
      throw usageError(
        'identity.cycle',
        `identity ${name} chains in a circle: ${[...names, current].join(' → ')}`,
        'break the cycle in via.identity',
      );
    }
    names.push(current);
    const identity = identities[current];
    if (!identity) {
      throw usageError(
        'identity.unknown',
        `identity ${current} does not exist`,
        'run `rolecall list` to see the identities',
      );
    }
    current = parentOf(identity);
  }
  names.reverse();
  const steps = names.map((each, index) => stepOf(config, each, identities[each]!, index === 0));
  const root = steps[0]!;
  const provider = root.kind === 'permission-set' ? { name: root.provider, portal: root.portal } : undefined;
  const rootIdentity = identities[names[0]!]!;
  const region =
    provider?.portal.region ??
    ('region' in rootIdentity ? (rootIdentity.region as string | undefined) : undefined) ??
    DEFAULT_REGION;
  const fingerprints: string[] = [];
  for (const step of steps) {
    const previous = fingerprints.at(-1) ?? endpointsKey(region, env);
    fingerprints.push(
      createHash('sha256')
        .update(`${previous}\n${JSON.stringify({ ...step, identity: undefined })}`)
        .digest('hex')
        .slice(0, 32),
    );
  }
  return { name, steps, fingerprints, region, provider };
}

type SupportedIdentity = Extract<IdentityConfig, { kind: IdentityKind }>;

const isSupported = (identity: IdentityConfig): identity is SupportedIdentity => isSupportedIdentityKind(identity.kind);

function stepOf(config: RolecallConfig, name: string, identity: IdentityConfig, isRoot: boolean): CredentialStep {
  if (!isSupported(identity)) {
    throw usageError(
      'identity.unsupported-kind',
      `identity ${name} has kind ${identity.kind}, which rolecall reads in atmos.yaml but cannot issue credentials for`,
      'use an aws/permission-set, aws/assume-role or aws/user identity',
    );
  }
  switch (identity.kind) {
    case 'aws/user':
      return { kind: 'user', identity: name };
    case 'aws/assume-role': {
      if (isRoot) {
        const providerName = directProvider(identity);
        const kind = providerName === undefined ? undefined : config.auth?.providers?.[providerName]?.kind;
        throw usageError(
          'identity.no-source',
          kind === 'aws/iam-identity-center'
            ? `identity ${name} (aws/assume-role) has no credentials to assume its role with: provider ${providerName} issues credentials only through its permission sets`
            : `identity ${name} (aws/assume-role) starts from provider ${providerName}, of kind ${kind}, which rolecall cannot sign in with`,
          kind === 'aws/iam-identity-center'
            ? 'chain it through a permission set of that provider: via: { identity: <account>/<permission set> } (see `rolecall list`)'
            : 'chain it through an aws/permission-set or aws/user identity: via: { identity: NAME }',
        );
      }
      const duration = identity.principal.duration ?? identity.session?.duration;
      return {
        kind: 'assume-role',
        identity: name,
        roleArn: identity.principal.assume_role,
        sessionName: identity.principal.session_name,
        externalId: identity.principal.external_id,
        requestedSeconds: duration === undefined ? undefined : durationSeconds(duration),
      };
    }
    case 'aws/permission-set': {
      const providerName = directProvider(identity);
      const provider = providerName === undefined ? undefined : config.auth?.providers?.[providerName];
      if (providerName === undefined || provider?.kind !== 'aws/iam-identity-center') {
        throw usageError(
          'identity.no-provider',
          `identity ${name} (aws/permission-set) needs an aws/iam-identity-center provider; it names ${providerName ?? 'none'}`,
          'set via: { provider: NAME } to an aws/iam-identity-center provider',
        );
      }
      const requested = identity.session?.duration;
      return {
        kind: 'permission-set',
        identity: name,
        provider: providerName,
        portal: { startUrl: provider.start_url, region: provider.region },
        account: { id: identity.principal.account.id, name: identity.principal.account.name },
        roleName: identity.principal.name,
        requestedSeconds: requested === undefined ? undefined : durationSeconds(requested),
      };
    }
  }
}
