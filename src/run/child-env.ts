import type { AwsCredentials } from '../auth/identities/credentials.js';

/**
 * Credentials and profile choices a child could inherit from rolecall's own environment, each of which
 * the AWS SDKs would prefer over (or mix with) the identity it is meant to run as.
 */
export const INHERITED_AWS_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
] as const;

export interface ChildIdentity {
  identity: string;
  region: string;
  /** The isolated AWS config whose profile refreshes itself through `credential_process`. */
  profile?: { name: string; configFile: string; credentialsFile: string };
  /** Static keys in the environment instead (`--export-keys`, `env`). */
  keys?: AwsCredentials;
}

/** The variables that make a child run as the identity, as [name, value] pairs in a stable order. */
export function identityVariables(child: ChildIdentity): [string, string][] {
  const variables: [string, string][] = [];
  if (child.profile) {
    variables.push(
      ['AWS_CONFIG_FILE', child.profile.configFile],
      ['AWS_SHARED_CREDENTIALS_FILE', child.profile.credentialsFile],
      ['AWS_PROFILE', child.profile.name],
      ['AWS_SDK_LOAD_CONFIG', '1'],
    );
  }
  if (child.keys) {
    variables.push(
      ['AWS_ACCESS_KEY_ID', child.keys.accessKeyId],
      ['AWS_SECRET_ACCESS_KEY', child.keys.secretAccessKey],
    );
    if (child.keys.sessionToken) variables.push(['AWS_SESSION_TOKEN', child.keys.sessionToken]);
    if (child.keys.expiration) variables.push(['AWS_CREDENTIAL_EXPIRATION', child.keys.expiration]);
  }
  variables.push(
    ['AWS_REGION', child.region],
    ['AWS_DEFAULT_REGION', child.region],
    ['AWS_EC2_METADATA_DISABLED', 'true'],
    ['ROLECALL_IDENTITY', child.identity],
  );
  return variables;
}

/** rolecall's environment without the inherited AWS credentials, plus the identity's variables. */
export function childEnvironment(parent: NodeJS.ProcessEnv, child: ChildIdentity): NodeJS.ProcessEnv {
  const env = { ...parent };
  for (const name of INHERITED_AWS_VARIABLES) delete env[name];
  return { ...env, ...Object.fromEntries(identityVariables(child)) };
}
