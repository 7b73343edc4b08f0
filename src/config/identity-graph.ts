import type { IdentityConfig, RolecallConfig } from './schema.js';

type Identities = Record<string, IdentityConfig>;

export interface Via {
  provider?: string;
  identity?: string;
}

/** Where an identity gets its credentials from, whatever its kind (`aws/user` has no `via`). */
export const viaOf = (identity: IdentityConfig): Via | undefined =>
  'via' in identity ? (identity.via as Via | undefined) : undefined;

/** The identity this one starts from (`via.identity`), if any. */
export const parentOf = (identity: IdentityConfig): string | undefined => viaOf(identity)?.identity;

/** The provider named by `via.provider`, or the `provider` a provisioned identity records. */
export function directProvider(identity: IdentityConfig): string | undefined {
  return viaOf(identity)?.provider ?? ('provider' in identity ? (identity.provider as string | undefined) : undefined);
}

/** The provider at the root of an identity's chain; undefined for identities no provider issues. */
export function rootProviderOf(name: string, identities: Identities): string | undefined {
  const seen = new Set<string>();
  for (let current: string | undefined = name; current !== undefined && !seen.has(current); ) {
    seen.add(current);
    const identity: IdentityConfig | undefined = identities[current];
    if (!identity) return undefined;
    const parent = parentOf(identity);
    if (parent === undefined) return directProvider(identity);
    current = parent;
  }
  return undefined;
}

/** Identities grouped for display: each under its parent identity, roots under their provider. */
export interface IdentityNode {
  name: string;
  identity: IdentityConfig;
  children: IdentityNode[];
}

/** Identities in the order the compiled configuration keeps them (sorted by name when assembled). */
export function identityForest(config: RolecallConfig): { byProvider: Map<string | undefined, IdentityNode[]> } {
  const identities = config.auth?.identities ?? {};
  const nodes = new Map<string, IdentityNode>();
  for (const [name, identity] of Object.entries(identities)) nodes.set(name, { name, identity, children: [] });
  const byProvider = new Map<string | undefined, IdentityNode[]>();
  for (const provider of Object.keys(config.auth?.providers ?? {})) byProvider.set(provider, []);
  for (const node of nodes.values()) {
    const parent = parentOf(node.identity);
    const parentNode = parent === undefined ? undefined : nodes.get(parent);
    if (parentNode) {
      parentNode.children.push(node);
      continue;
    }
    const provider = directProvider(node.identity);
    const group = byProvider.get(provider) ?? [];
    group.push(node);
    byProvider.set(provider, group);
  }
  return { byProvider };
}
