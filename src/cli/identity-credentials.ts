import { type IdentityChain, identityChain } from '../auth/identities/chain.js';
import { type ResolvedCredentials, resolveCredentials } from '../auth/identities/resolve.js';
import { portalKey } from '../auth/providers/aws-sso/portal.js';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { isRolecallError } from '../core/errors.js';
import {
  credentialIndexPath,
  DEFAULT_IDENTITY,
  decisiveEnv,
  removeCredentialIndex,
  writeCredentialIndex,
} from '../store/credential-index.js';
import type { CommandContext } from './context.js';
import { dirsFor } from './dirs.js';
import { personAtTerminal, terminalInteraction } from './interaction.js';
import { selectIdentity } from './select-identity.js';
import { sessionDeps } from './session-deps.js';

export interface IdentityCredentials extends ResolvedCredentials {
  name: string;
  chain: IdentityChain;
  loaded: LoadedConfig;
  /** Where secrets are kept in this run: a memory store is not shared with child processes. */
  storeKind: 'system' | 'file' | 'memory';
  /** Deletes the chain's cached credentials (AWS refused them), so the next resolution fetches anew. */
  forget(): Promise<void>;
}

export interface CredentialRequest {
  /** `--identity`, if given. */
  identity?: string;
  /**
   * `person`: someone ran this command and may be asked (a picker, a browser sign-in). `background`:
   * an AWS tool runs it (`credential_process`): no picker, and a sign-in only with a device code shown
   * on the terminal, when there is one.
   */
  caller: 'person' | 'background';
}

/** The chosen identity's credentials, cached or fetched, and noted in the index `credential-process` reads first. */
export async function identityCredentials(
  ctx: CommandContext,
  request: CredentialRequest,
): Promise<IdentityCredentials> {
  const dirs = dirsFor(ctx);
  const loaded = await loadConfig(ctx, dirs);
  const person = request.caller === 'person';
  const name = await selectIdentity(ctx, loaded.config, request.identity, { ask: person });
  const chain = identityChain(loaded.config, name, ctx.env);
  const deps = await sessionDeps(ctx, loaded.config);
  const interaction = person ? terminalInteraction(ctx) : personAtTerminal(ctx);
  const resolved = await resolveCredentials(chain, {
    ...deps,
    signIn: interaction && { interaction, flow: person ? 'auto' : 'device', openBrowser: true },
  });
  const { store } = deps;
  const asked = request.identity ?? (ctx.env['ROLECALL_IDENTITY'] || undefined);
  // Chosen by no name: the default, noted as such so that the next call without a name is answered from the cache.
  const byDefault = asked === undefined && loaded.config.auth?.identities?.[name]?.default === true;
  const indexed = [...new Set([name, ...(asked ? [asked] : byDefault ? [DEFAULT_IDENTITY] : [])])];
  const { location, sources } = loaded;
  try {
    for (const identity of indexed) {
      if (location && sources && resolved.storeKey && resolved.reusable && store.kind !== 'memory') {
        writeCredentialIndex(dirs, {
          configFile: location.file,
          identity,
          name,
          store: store.kind,
          storeKey: resolved.storeKey,
          chainKeys: resolved.chainKeys,
          expiration: resolved.credentials.expiration,
          portalKey: chain.provider && portalKey(chain.provider.portal),
          sources,
          env: decisiveEnv(ctx.env),
        });
      } else if (location) {
        removeCredentialIndex(credentialIndexPath(dirs, location.file, identity));
      }
    }
  } catch (error) {
    // Only a planted symbolic link deserves the person's attention; a full disk costs speed, not answers.
    const say = isRolecallError(error) && error.code === 'symlink-refused' ? ctx.log.warn : ctx.log.debug;
    say(`could not note the cached credentials for credential-process: ${(error as Error).message}`);
  }
  const forget = async () => {
    for (const key of resolved.chainKeys) await store.delete(key);
    if (location)
      for (const identity of indexed) removeCredentialIndex(credentialIndexPath(dirs, location.file, identity));
  };
  return { ...resolved, name, chain, loaded, storeKind: store.kind, forget };
}

/** AWS's answers that mean cached credentials are no good, whatever their expiry says. */
const REFUSED = new Set(['credentials.invalid', 'console.refused']);

/**
 * Runs `use` with the identity's credentials; when AWS refuses cached ones (a clock off, an emulator
 * restarted, credentials revoked), forgets them and runs it once more with fresh ones.
 */
export async function withIdentityCredentials<T>(
  ctx: CommandContext,
  request: CredentialRequest,
  use: (resolved: IdentityCredentials) => Promise<T>,
): Promise<T> {
  const resolved = await identityCredentials(ctx, request);
  try {
    return await use(resolved);
  } catch (error) {
    if (resolved.source !== 'cache' || !isRolecallError(error) || !REFUSED.has(error.code)) throw error;
    ctx.log.info(`AWS refused the cached credentials of ${resolved.name}; fetching new ones.`);
    await resolved.forget();
    return use(await identityCredentials(ctx, { ...request, identity: resolved.name }));
  }
}
