import { rootProviderOf } from '../config/identity-graph.js';
import type { RolecallConfig } from '../config/schema.js';
import { usageError } from '../core/errors.js';

/**
 * Which provider a command means when `--provider` is not given: the only one; else the provider of
 * the default identity; else the person chooses (`ask`), or, with nobody to ask, a usage error.
 */
export function chooseProvider(
  config: RolecallConfig,
  requested: string | undefined,
): { name: string } | { ask: string[] } {
  const providers = Object.keys(config.auth?.providers ?? {});
  if (requested !== undefined) {
    if (providers.includes(requested)) return { name: requested };
    throw usageError(
      'provider.unknown',
      `--provider ${requested}: no such provider; configured providers: ${providers.join(', ') || 'none'}`,
      'run `rolecall list` to see them',
    );
  }
  if (providers.length === 0) {
    throw usageError(
      'provider.none',
      'no provider is configured',
      'add one under auth.providers (see docs/configuration.md)',
    );
  }
  if (providers.length === 1) return { name: providers[0]! };
  const identities = config.auth?.identities ?? {};
  const defaultIdentity = Object.keys(identities).find((name) => identities[name]?.default === true);
  const ofDefault = defaultIdentity === undefined ? undefined : rootProviderOf(defaultIdentity, identities);
  if (ofDefault !== undefined && providers.includes(ofDefault)) return { name: ofDefault };
  return { ask: providers };
}
