import { createHash } from 'node:crypto';
import { usageError } from '../../../core/errors.js';

/** An AWS access portal: one IAM Identity Center instance, as the start URL and region name it. */
export interface Portal {
  startUrl: string;
  region: string;
}

/** The same portal written two ways (`…/start/`, upper-case host) is one login. */
export function normalizeStartUrl(startUrl: string): string {
  const url = new URL(startUrl);
  return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
}

/** A short stable id of a portal for store keys and lock names (never a path by itself). */
export function portalKey(portal: Portal): string {
  return createHash('sha256')
    .update(`${normalizeStartUrl(portal.startUrl)}|${portal.region}`)
    .digest('hex')
    .slice(0, 32);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const SERVICES = {
  SSO: { variable: 'AWS_ENDPOINT_URL_SSO', host: (region: string) => `portal.sso.${region}.amazonaws.com` },
  SSO_OIDC: { variable: 'AWS_ENDPOINT_URL_SSO_OIDC', host: (region: string) => `oidc.${region}.amazonaws.com` },
} as const;

/**
 * The endpoint the AWS SDK will use for the SSO portal or SSO OIDC: `AWS_ENDPOINT_URL_<SERVICE>` (or
 * `AWS_ENDPOINT_URL`) as the SDKs honour them, else AWS's. Tokens never travel in clear text: plain
 * http is allowed only to a loopback address (a local emulator).
 */
export function serviceEndpoint(service: keyof typeof SERVICES, region: string, env: NodeJS.ProcessEnv): string {
  const { variable: specific, host } = SERVICES[service];
  const variable = env[specific] ? specific : 'AWS_ENDPOINT_URL';
  const configured = env[variable];
  if (!configured) return `https://${host(region)}`;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw usageError('endpoint.invalid', `${variable}=${configured} is not a URL`, `fix or unset ${variable}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw usageError(
      'endpoint.insecure',
      `${variable}=${configured} would send tokens without TLS`,
      'use an https endpoint (plain http is accepted only on 127.0.0.1 or localhost)',
    );
  }
  return configured.replace(/\/+$/, '');
}

/**
 * Time limits for every SDK request: connecting, and the whole request (the SDK only warns about a
 * slow request unless told to fail it), so that nothing waits without end.
 */
export const REQUEST_LIMITS = { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true };
