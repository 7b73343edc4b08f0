import { type ChildIdentity, childEnvironment } from '../run/child-env.js';
import { writeIsolatedConfig } from '../run/isolated-config.js';
import type { CommandContext } from './context.js';
import { dirsFor } from './dirs.js';
import { type IdentityCredentials, identityCredentials } from './identity-credentials.js';

export interface ChildOptions {
  identity?: string;
  /** Static keys in the environment instead of a refreshing profile. */
  exportKeys?: boolean;
}

export interface PreparedChild {
  env: NodeJS.ProcessEnv;
  resolved: IdentityCredentials;
  /** Tells the child's AWS config which process uses it. */
  started(pid: number): void;
  /** Removes the child's AWS config once it is done. */
  remove(): void;
}

/**
 * The environment a child runs as the identity in: by default an isolated AWS config whose profile
 * fetches credentials through `credential_process`, so that a child running for hours keeps
 * refreshing; with `exportKeys` (or a memory store, which a child's rolecall cannot read) static keys.
 * Credentials are fetched first, so that a sign-in happens here, in the foreground, not in the child.
 */
export async function prepareChild(ctx: CommandContext, options: ChildOptions): Promise<PreparedChild> {
  const resolved = await identityCredentials(ctx, { identity: options.identity, caller: 'person' });
  if (resolved.durationNote) ctx.log.info(`${resolved.name}: ${resolved.durationNote}`);
  const base = { identity: resolved.name, region: resolved.chain.region };
  const configFile = resolved.loaded.location?.file;
  // From here on Ctrl+C belongs to the child; a sign-in above may have listened for it.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  if (options.exportKeys || resolved.storeKind === 'memory' || configFile === undefined) {
    if (!options.exportKeys) ctx.log.debug('secrets are kept in memory only; the child gets static keys');
    const child: ChildIdentity = { ...base, keys: resolved.credentials };
    return { env: childEnvironment(ctx.env, child), resolved, started: () => undefined, remove: () => undefined };
  }
  const isolated = writeIsolatedConfig(dirsFor(ctx), { ...base, configFile });
  const profile = {
    name: isolated.profile,
    configFile: isolated.configFile,
    credentialsFile: isolated.credentialsFile,
  };
  return {
    env: childEnvironment(ctx.env, { ...base, profile }),
    resolved,
    started: isolated.noteChild,
    remove: isolated.remove,
  };
}
