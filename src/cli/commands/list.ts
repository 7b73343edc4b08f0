import { type IdentityNode, identityForest, rootProviderOf } from '../../config/identity-graph.js';
import { loadConfig } from '../../config/load.js';
import type { IdentityConfig, ProviderConfig, RolecallConfig } from '../../config/schema.js';
import { usageError } from '../../core/errors.js';
import type { CommandRun } from '../context.js';
import {
  type CredentialState,
  type CredentialStatus,
  credentialStates,
  formatCredentialStatus,
} from '../credential-states.js';
import { dirsFor } from '../dirs.js';
import { type Colors, colors } from '../render/colors.js';
import { renderTable } from '../render/table.js';
import { renderTree, type TreeNode } from '../render/tree.js';

interface ListOptions {
  provider?: string;
  format: 'tree' | 'table' | 'json' | 'yaml';
}

/** One identity as `list --format json|yaml` prints it: the same fields for provisioned and manual ones. */
interface IdentityRow {
  name: string;
  kind: string;
  provider: string | null;
  via: { provider?: string; identity?: string } | null;
  account: { id?: string; name?: string } | null;
  role: string | null;
  default: boolean;
  /** Cached credentials, if any. */
  credentials: { state: CredentialState; expires_at: string | null } | null;
}

const field = <T>(identity: IdentityConfig, key: string): T | undefined =>
  (identity as Record<string, unknown>)[key] as T | undefined;

function identityRow(
  name: string,
  identity: IdentityConfig,
  identities: Record<string, IdentityConfig>,
  status?: CredentialStatus,
): IdentityRow {
  const principal = field<{ name?: string; account?: { id?: string; name?: string }; assume_role?: string }>(
    identity,
    'principal',
  );
  return {
    name,
    kind: identity.kind,
    provider: rootProviderOf(name, identities) ?? null,
    via: field<IdentityRow['via']>(identity, 'via') ?? null,
    account: principal?.account ?? null,
    role: principal?.name ?? principal?.assume_role ?? null,
    default: field<boolean>(identity, 'default') === true,
    credentials: status ? { state: status.state, expires_at: status.expiresAt ?? null } : null,
  };
}

function providerSummary(name: string, provider: ProviderConfig, identityCount: number) {
  const sso = provider.kind === 'aws/iam-identity-center' ? provider : undefined;
  return {
    name,
    kind: provider.kind,
    start_url: sso?.start_url ?? null,
    region: sso?.region ?? null,
    auto_provision_identities: sso?.auto_provision_identities === true,
    identities: identityCount,
  };
}

function treeLabel(node: IdentityNode, c: Colors, credentials: CredentialText): string {
  const row = identityRow(node.name, node.identity, {});
  const details = [
    node.identity.kind === 'aws/permission-set' ? undefined : c.dim(node.identity.kind),
    row.account?.id ? c.dim(row.account.id) : undefined,
    row.default ? c.green('(default)') : undefined,
    field<{ stale?: boolean }>(node.identity, '_metadata')?.stale
      ? c.yellow('(stale: not seen at the last login)')
      : undefined,
    credentials(node.name) || undefined,
  ].filter(Boolean);
  return [c.bold(node.name), ...details].join('  ');
}

type CredentialText = (name: string) => string;

const toTree = (nodes: IdentityNode[], c: Colors, credentials: CredentialText): TreeNode[] =>
  nodes.map((node) => ({
    label: treeLabel(node, c, credentials),
    children: toTree(node.children, c, credentials),
  }));

function selectProvider(config: RolecallConfig, provider: string | undefined): string[] {
  const providers = Object.keys(config.auth?.providers ?? {});
  if (provider === undefined) return providers;
  if (!providers.includes(provider)) {
    throw usageError(
      'provider.unknown',
      `--provider ${provider}: no such provider; configured providers: ${providers.join(', ') || 'none'}`,
      'run `rolecall list` to see them',
    );
  }
  return [provider];
}

export const run: CommandRun<ListOptions> = async (ctx, options) => {
  const dirs = dirsFor(ctx);
  const { config, location } = await loadConfig(ctx, dirs);
  const providers = config.auth?.providers ?? {};
  const identities = config.auth?.identities ?? {};
  const selected = selectProvider(config, options.provider);
  const c = colors(ctx.globals.color.stdout);
  const now = Date.now();
  const states = location ? credentialStates(dirs, location.file, now, ctx.log) : new Map<string, CredentialStatus>();
  const credentialText: CredentialText = (name) => formatCredentialStatus(states.get(name), c, now);

  if (options.format === 'tree') {
    const { byProvider } = identityForest(config);
    const roots: TreeNode[] = selected.map((name) => {
      const provider = providers[name]!;
      const nodes = byProvider.get(name) ?? [];
      const sso = provider.kind === 'aws/iam-identity-center' ? ` ${provider.start_url} (${provider.region})` : '';
      return {
        label: `${c.cyan(c.bold(name))}  ${c.dim(`${provider.kind}${sso}`)}`,
        children: toTree(nodes, c, credentialText),
      };
    });
    const standalone = options.provider === undefined ? (byProvider.get(undefined) ?? []) : [];
    if (standalone.length)
      roots.push({ label: c.cyan(c.bold('(no provider)')), children: toTree(standalone, c, credentialText) });
    ctx.stdout.write(roots.length ? renderTree(roots) : '');
    if (!roots.length)
      ctx.log.info('no providers or identities configured; see `rolecall config schema` and the README');
    return 0;
  }

  const rows = Object.entries(identities)
    .map(([name, identity]) => identityRow(name, identity, identities, states.get(name)))
    .filter((row) => options.provider === undefined || row.provider === options.provider);

  if (options.format === 'table') {
    ctx.stdout.write(
      renderTable(
        ['NAME', 'KIND', 'PROVIDER', 'ACCOUNT', 'ROLE', 'DEFAULT', 'CREDENTIALS'],
        rows.map((row) => [
          c.bold(row.name),
          row.kind,
          row.provider ?? '-',
          row.account ? [row.account.name, row.account.id].filter(Boolean).join(' ') : '-',
          row.role ?? '-',
          row.default ? c.green('yes') : '',
          credentialText(row.name),
        ]),
      ),
    );
    return 0;
  }

  const result = {
    providers: selected.map((name) =>
      providerSummary(name, providers[name]!, rows.filter((row) => row.provider === name).length),
    ),
    identities: rows,
  };
  if (options.format === 'json') ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.stdout.write((await import('../render/yaml.js')).toYaml(result));
  return 0;
};
