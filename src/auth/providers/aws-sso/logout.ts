import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { awsCliCacheDir } from './aws-cli-cache.js';
import { normalizeStartUrl, type Portal } from './portal.js';
import { parseSession } from './records.js';
import { type SessionDeps, sessionKey } from './session.js';

export interface PortalLogoutResult {
  /** `done`: AWS ended the session; `failed`: AWS could not be told (the local copy is gone anyway). */
  remote: 'done' | 'failed' | 'not-signed-in';
  error?: string;
}

/**
 * Ends the portal's session: AWS's Logout first (bounded; a portal that is down does not stop the
 * local clean-up), then the stored session, and the copy exported for the AWS CLI under the given
 * session names if it holds the same token.
 */
export async function logoutPortal(
  portal: Portal,
  exportedAs: string[],
  deps: SessionDeps,
): Promise<PortalLogoutResult> {
  const session = parseSession(await deps.store.get(sessionKey(portal)));
  if (!session) return { remote: 'not-signed-in' };
  let result: PortalLogoutResult = { remote: 'done' };
  try {
    const { portalLogout } = await import('./portal-api.js');
    await portalLogout(portal.region, session.accessToken, deps.env);
  } catch (error) {
    result = { remote: 'failed', error: (error as Error).message };
  }
  await deps.store.delete(sessionKey(portal));
  for (const name of exportedAs) {
    const file = join(awsCliCacheDir(deps.home), `${createHash('sha1').update(name).digest('hex')}.json`);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // The copy rolecall exported, also when a refresh has since renewed the token it holds: same portal,
    // and rolecall's client registration (an AWS CLI login of its own there has another).
    const exported = parseSession(text);
    const ours =
      exported?.accessToken === session.accessToken ||
      (exported !== undefined &&
        session.clientId !== undefined &&
        exported.clientId === session.clientId &&
        normalizeStartUrl(exported.startUrl) === normalizeStartUrl(portal.startUrl) &&
        exported.region === portal.region);
    if (ours) rmSync(file, { force: true });
  }
  return result;
}
