import { type IdentityChain, identityChain } from '../auth/identities/chain.js';
import { credentialsKey } from '../auth/identities/credentials.js';
import { type ResolvedCredentials, resolveCredentials } from '../auth/identities/resolve.js';
import { portalKey } from '../auth/providers/aws-sso/portal.js';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { decisiveEnv, writeCredentialIndex } from '../store/credential-index.js';
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
  if (loaded.location && loaded.sources && resolved.storeKey && store.kind !== 'memory') {
    const asked = request.identity ?? ctx.env['ROLECALL_IDENTITY'];
    for (const identity of new Set([name, ...(asked ? [asked] : [])])) {
      try {
        writeCredentialIndex(dirs, {
          configFile: loaded.location.file,
          identity,
          name,
          store: store.kind,
          storeKey: resolved.storeKey,
          chainKeys: chain.steps.flatMap((step, index) =>
            step.kind === 'user' ? [] : [credentialsKey(chain.fingerprints[index]!)],
          ),
          expiration: resolved.credentials.expiration,
          portalKey: chain.provider && portalKey(chain.provider.portal),
          sources: loaded.sources,
          env: decisiveEnv(ctx.env),
        });
      } catch (error) {
        ctx.log.debug(`could not note the cached credentials for credential-process: ${(error as Error).message}`);
      }
    }
  }
  return { ...resolved, name, chain, loaded, storeKind: store.kind };
}
