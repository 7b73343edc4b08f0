/**
 * The kinds of providers and identities. Implemented kinds are plug-in points for `auth/`; the Atmos
 * kinds below load, list and validate so that an existing `atmos.yaml` works, but using one of them
 * fails with a clear "not supported" error.
 */
export const PROVIDER_KINDS = ['aws/iam-identity-center'] as const;
export const IDENTITY_KINDS = ['aws/permission-set', 'aws/assume-role', 'aws/user'] as const;

export const ATMOS_ONLY_PROVIDER_KINDS = [
  'aws/saml',
  'github/oidc',
  'gcp/adc',
  'gcp/workload-identity-federation',
  'azure/device-code',
  'azure/oidc',
  'azure/cli',
] as const;
export const ATMOS_ONLY_IDENTITY_KINDS = [
  'aws/assume-root',
  'aws/ambient',
  'gcp/service-account',
  'gcp/project',
  'azure/subscription',
] as const;

export type ProviderKind = (typeof PROVIDER_KINDS)[number];
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export const isSupportedIdentityKind = (kind: string): kind is IdentityKind =>
  (IDENTITY_KINDS as readonly string[]).includes(kind);
export const isSupportedProviderKind = (kind: string): kind is ProviderKind =>
  (PROVIDER_KINDS as readonly string[]).includes(kind);
