import type { Logger } from '../../core/log.js';
import { allCredentialIndexes, removeCredentialIndex } from '../../store/credential-index.js';
import type { StateDirs } from '../../store/paths.js';
import type { SecureStore } from '../../store/secure-store.js';

/**
 * Deletes the cached role credentials that came from a portal (logging out of it ends them too), with
 * their index entries. Returns how many identities had some.
 */
export async function forgetPortalCredentials(
  portalKey: string,
  deps: { store: SecureStore; dirs: StateDirs; log: Logger },
): Promise<number> {
  const entries = allCredentialIndexes(deps.dirs, deps.log).filter(({ entry }) => entry.portalKey === portalKey);
  const keys = new Set(entries.flatMap(({ entry }) => entry.chainKeys));
  for (const key of keys) await deps.store.delete(key);
  for (const { path } of entries) removeCredentialIndex(path);
  return new Set(entries.map(({ entry }) => `${entry.configFile}\0${entry.name}`)).size;
}
