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

/**
 * The SSO OIDC endpoint the SDK will use: `AWS_ENDPOINT_URL_SSO_OIDC` (or `AWS_ENDPOINT_URL`) as the
 * SDKs honour them, else AWS's. Tokens never travel in clear text: plain http is allowed only to a
 * loopback address (a local emulator).
 */
export function oidcEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  const configured = env['AWS_ENDPOINT_URL_SSO_OIDC'] || env['AWS_ENDPOINT_URL'];
  if (!configured) return `https://oidc.${region}.amazonaws.com`;
  const variable = env['AWS_ENDPOINT_URL_SSO_OIDC'] ? 'AWS_ENDPOINT_URL_SSO_OIDC' : 'AWS_ENDPOINT_URL';
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
