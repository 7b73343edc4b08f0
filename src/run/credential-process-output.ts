import type { AwsCredentials } from '../auth/identities/credentials.js';

/** What a `credential_process` prints: the AWS SDKs' JSON, Version 1, expiry in ISO 8601. */
export function credentialProcessOutput(credentials: AwsCredentials): string {
  return `${JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { SessionToken: credentials.sessionToken } : {}),
    ...(credentials.expiration ? { Expiration: credentials.expiration } : {}),
  })}\n`;
}
