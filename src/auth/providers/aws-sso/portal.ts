import { createHash } from 'node:crypto';

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

export const REQUEST_LIMITS = { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true };
