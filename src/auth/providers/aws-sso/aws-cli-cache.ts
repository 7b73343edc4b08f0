import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../store/atomic-write.js';
import { normalizeStartUrl, type Portal } from './portal.js';
import { parseSession, remainingMs, type SsoSession } from './records.js';

export const awsCliCacheDir = (home: string) => join(home, '.aws', 'sso', 'cache');

const samePortal = (session: SsoSession, portal: Portal) =>
  session.region === portal.region && normalizeStartUrl(session.startUrl) === normalizeStartUrl(portal.startUrl);

/**
 * A token the AWS CLI (or boto3) already holds for this portal in `~/.aws/sso/cache`, valid for at
 * least `minRemainingMs`: using it spares the person a second browser sign-in.
 */
export function findAwsCliSession(
  home: string,
  portal: Portal,
  now: number,
  minRemainingMs: number,
): SsoSession | undefined {
  let names: string[];
  try {
    names = readdirSync(awsCliCacheDir(home)).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  let best: SsoSession | undefined;
  for (const name of names) {
    let text: string;
    try {
      text = readFileSync(join(awsCliCacheDir(home), name), 'utf8');
    } catch {
      continue;
    }
    const session = parseSession(text);
    if (!session || !samePortal(session, portal) || remainingMs(session.expiresAt, now) <= minRemainingMs) continue;
    if (!best || Date.parse(session.expiresAt) > Date.parse(best.expiresAt)) best = session;
  }
  return best;
}

/** The AWS CLI writes times as `2026-11-28T16:48:08Z`: UTC, no fraction. */
const cliTime = (iso: string) => `${new Date(iso).toISOString().slice(0, 19)}Z`;

/**
 * Writes the session where the AWS CLI and botocore look for an `sso-session` named `sessionName`
 * (`~/.aws/sso/cache/<sha1 of the name>.json`), in their format, so `aws` and boto3 profiles with
 * `sso_session = <sessionName>` work without another login. Returns the file written.
 */
export function exportAwsCliSession(home: string, sessionName: string, session: SsoSession): string {
  const file = join(awsCliCacheDir(home), `${createHash('sha1').update(sessionName).digest('hex')}.json`);
  const record = {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: session.accessToken,
    expiresAt: cliTime(session.expiresAt),
    ...(session.clientId ? { clientId: session.clientId, clientSecret: session.clientSecret } : {}),
    ...(session.registrationExpiresAt ? { registrationExpiresAt: cliTime(session.registrationExpiresAt) } : {}),
    ...(session.refreshToken ? { refreshToken: session.refreshToken } : {}),
  };
  writeFileAtomic(file, JSON.stringify(record));
  return file;
}
