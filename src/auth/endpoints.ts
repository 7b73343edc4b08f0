import { usageError } from '../core/errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The partition's DNS suffix: China and GovCloud regions live outside amazonaws.com. */
const partitionOf = (region: string) =>
  region.startsWith('cn-')
    ? { suffix: 'amazonaws.com.cn', signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn' }
    : region.startsWith('us-gov-')
      ? { suffix: 'amazonaws.com', signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com' }
      : { suffix: 'amazonaws.com', signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com' };

const SERVICES = {
  SSO: (region: string) => `portal.sso.${region}.${partitionOf(region).suffix}`,
  SSO_OIDC: (region: string) => `oidc.${region}.${partitionOf(region).suffix}`,
  STS: (region: string) => `sts.${region}.${partitionOf(region).suffix}`,
  // The console federation endpoint is not an SDK service; its variable follows the SDKs' naming.
  SIGNIN: (region: string) => partitionOf(region).signin,
} as const;

export type AwsService = keyof typeof SERVICES;

/** The console's home page in the region's partition. */
export const consoleHome = (region: string): string =>
  `https://${region}.${partitionOf(region).console}/console/home?region=${region}`;

/**
 * The endpoint to use for an AWS service: `AWS_ENDPOINT_URL_<SERVICE>` (or `AWS_ENDPOINT_URL`) as the
 * SDKs honour them, else AWS's regional one. Tokens and credentials never travel in clear text: plain
 * http is allowed only to a loopback address (a local emulator).
 */
export function serviceEndpoint(service: AwsService, region: string, env: NodeJS.ProcessEnv): string {
  const specific = `AWS_ENDPOINT_URL_${service}`;
  const variable = env[specific] ? specific : 'AWS_ENDPOINT_URL';
  const configured = env[variable];
  if (!configured) return `https://${SERVICES[service](region)}`;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw usageError('endpoint.invalid', `${variable}=${configured} is not a URL`, `fix or unset ${variable}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw usageError(
      'endpoint.insecure',
      `${variable}=${configured} would send secrets without TLS`,
      'use an https endpoint (plain http is accepted only on 127.0.0.1 or localhost)',
    );
  }
  return configured.replace(/\/+$/, '');
}

/** The endpoints credentials depend on, as one string: credentials an emulator issued are not AWS's. */
export const endpointsKey = (region: string, env: NodeJS.ProcessEnv): string =>
  (['SSO', 'STS'] as const).map((service) => serviceEndpoint(service, region, env)).join(' ');
