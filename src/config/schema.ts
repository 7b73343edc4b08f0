import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { ATMOS_ONLY_IDENTITY_KINDS, ATMOS_ONLY_PROVIDER_KINDS, IDENTITY_KINDS, PROVIDER_KINDS } from './kinds.js';

/** A closed map whose "unknown key" error lists the keys that are allowed. */
function closedMap<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; allowed keys: ${allowed}` : undefined),
  });
}

const DURATION_ERROR = 'must be a duration longer than zero, such as 12h, 90m or 1h30m';
const duration = z
  .string({ error: DURATION_ERROR })
  .regex(DURATION_PATTERN, { error: DURATION_ERROR })
  .describe('A duration: hours, minutes and seconds, e.g. 12h, 90m, 1h30m');

const name = z.string().min(1, { error: 'must not be empty' });
const globs = z.array(name).describe('Globs (`*`, `?`) matched against the name or the id');
const session = closedMap({ duration: duration.optional() }).describe('Requested lifetime of the session');

const provision = closedMap({
  name_template: name
    .regex(/\{(account|account_id|account_lower|role|role_lower)\}/, {
      error: 'must use at least one of {account}, {account_id}, {account_lower}, {role}, {role_lower}',
    })
    .optional()
    .describe('Identity names: {account}, {account_id}, {account_lower}, {role}, {role_lower}'),
  accounts: closedMap({ include: globs.optional(), exclude: globs.optional() }).optional(),
  roles: closedMap({ include: globs.optional(), exclude: globs.optional() }).optional(),
}).describe('rolecall extension: how discovered accounts and permission sets become identities');

const identityCenterProvider = closedMap({
  kind: z.literal('aws/iam-identity-center'),
  start_url: z
    .string({ error: 'is required: the AWS access portal URL, such as https://my-org.awsapps.com/start' })
    .regex(/^https:\/\/[^\s/?#]+(\/[^\s]*)?$/, {
      error: 'must be an https URL, such as https://my-org.awsapps.com/start',
    }),
  region: z
    .string({ error: 'is required: the region of the IAM Identity Center instance, such as us-east-1' })
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region, such as us-east-1' }),
  auto_provision_identities: z.boolean().optional().describe('Discover every account and permission set at login'),
  session: session.optional(),
  console: closedMap({ session_duration: duration.optional() }).optional(),
  provision: provision.optional(),
});

/** Kinds rolecall does not implement: accepted as written, so an Atmos configuration still loads. */
const foreignKind = <Kind extends string>(kind: Kind) => z.looseObject({ kind: z.literal(kind) });

const via = closedMap({
  provider: name.optional().describe('The provider that issues this identity its credentials'),
  identity: name.optional().describe('Another identity whose credentials this one starts from'),
}).refine((value) => (value.provider === undefined) !== (value.identity === undefined), {
  error: 'must name exactly one of provider or identity',
});

const accountId = z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' });

const common = {
  default: z.boolean().optional().describe('Use this identity when none is named'),
  session: session.optional(),
};

const permissionSetIdentity = closedMap({
  kind: z.literal('aws/permission-set'),
  provider: name.optional().describe('The provider that provisioned this identity'),
  via: via.optional(),
  principal: closedMap({
    name: name.describe('The permission set name'),
    account: closedMap({ name: name.optional(), id: accountId.optional() }).refine(
      (account) => account.name !== undefined || account.id !== undefined,
      { error: 'must set name or id' },
    ),
  }),
  _metadata: closedMap({ stale: z.boolean().optional() })
    .optional()
    .describe('Written by provisioning: stale when the account could not be listed at the last login'),
  ...common,
});

const assumeRoleIdentity = closedMap({
  kind: z.literal('aws/assume-role'),
  provider: name.optional(),
  via: via,
  principal: closedMap({
    assume_role: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, {
      error: 'must be an IAM role ARN, such as arn:aws:iam::123456789012:role/Admin',
    }),
    session_name: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, { error: 'must be 2-64 characters of letters, digits and +=,.@_-' })
      .optional(),
    external_id: z.string().min(2).max(1224).optional(),
    duration: duration.optional(),
  }),
  ...common,
});

const userIdentity = closedMap({
  kind: z.literal('aws/user'),
  region: z.string().optional(),
  ...common,
});

const kindError = (what: string, supported: readonly string[]) => (issue: { code: string; input?: unknown }) => {
  if (issue.code !== 'invalid_union') return undefined;
  const input = issue.input as { kind?: unknown } | undefined;
  return input?.kind === undefined
    ? `missing kind; supported ${what} kinds: ${supported.join(', ')}`
    : `unknown ${what} kind ${JSON.stringify(input.kind)}; supported: ${supported.join(', ')}`;
};

export const providerSchema = z.discriminatedUnion(
  'kind',
  [identityCenterProvider, ...ATMOS_ONLY_PROVIDER_KINDS.map(foreignKind)],
  { error: kindError('provider', PROVIDER_KINDS) },
);

export const identitySchema = z.discriminatedUnion(
  'kind',
  [permissionSetIdentity, assumeRoleIdentity, userIdentity, ...ATMOS_ONLY_IDENTITY_KINDS.map(foreignKind)],
  { error: kindError('identity', IDENTITY_KINDS) },
);

/**
 * An entry without `kind` adds to the identity of the same name that provisioning discovered
 * (`default`, `session`, ...); the merge fills in the rest.
 */
export const identityOverrideSchema = closedMap({
  provider: name.optional(),
  via: via.optional(),
  principal: z.record(z.string(), z.unknown()).optional(),
  ...common,
}).describe('Settings added to the provisioned identity of the same name');

const logLevel = z.enum(['debug', 'info', 'warn', 'error', 'Debug', 'Info', 'Warn', 'Error']);

const authShape = {
  providers: z.record(name, providerSchema).optional(),
  identities: z.record(name, identitySchema).optional(),
  keyring: closedMap({ type: z.enum(['auto', 'system', 'file', 'memory']).optional() }).optional(),
  logs: closedMap({ level: logLevel.optional(), file: z.string().optional() }).optional(),
};

/** The assembled configuration every command uses, after the merge. */
export const configSchema = closedMap({ auth: closedMap(authShape).optional() });

/**
 * One file as written (the JSON Schema editors use): identities may be overrides without `kind`,
 * and `import:` lists further files.
 */
export const fileSchema = closedMap({
  auth: closedMap({
    ...authShape,
    identities: z.record(name, z.union([identitySchema, identityOverrideSchema])).optional(),
  }).optional(),
  import: z.array(name).optional().describe('Further config files (globs allowed), relative to this file'),
});

export type RolecallConfig = z.infer<typeof configSchema>;
export type AuthConfig = NonNullable<RolecallConfig['auth']>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type IdentityConfig = z.infer<typeof identitySchema>;
export type IdentityCenterProviderConfig = z.infer<typeof identityCenterProvider>;
