import { existsSync, statSync } from 'node:fs';
import type { IdentityCenterProviderConfig } from '../../../config/schema.js';
import { writeFileAtomic } from '../../../store/atomic-write.js';
import { withLock } from '../../../store/lock.js';
import { provisionedFilePath } from '../../../store/paths.js';
import { globFilter } from './assignment-filter.js';
import { type DiscoveryProgress, discoverAssignments } from './discovery.js';
import { type Assignment, nameAssignments } from './identity-names.js';
import { type ProvisionedEntry, readProvisionedEntries, renderProvisionedFile } from './provisioned-file.js';
import type { SsoSession } from './records.js';
import type { SessionDeps } from './session.js';

export interface ProvisionResult {
  provider: string;
  file: string;
  identities: number;
  accounts: number;
  /** Accounts whose roles could not be listed: their previous identities were kept, marked stale. */
  failedAccounts: { id: string; name: string; error: string }[];
  added: string[];
  removed: string[];
  collisions: { name: string; accountIds: string[] }[];
  durationMs: number;
  requests: number;
  throttled: number;
  /** Set when nothing was written: the reason, and the previous file stays as it was. */
  keptPrevious?: string;
  /** Another process wrote the file while this one waited for the lock: its result stands. */
  byAnotherProcess?: boolean;
}

/**
 * Discovers every account and permission set the session can reach and writes them as the provider's
 * provisioned identities. Nothing is lost: an account whose roles cannot be listed keeps its previous
 * identities (marked stale), and a run that finds no account at all leaves a non-empty previous file
 * as it is. Failing to list the accounts throws, and the previous file stays.
 */
export async function provisionIdentities(input: ProvisionInput): Promise<ProvisionResult> {
  const file = provisionedFilePath(input.deps.dirs, input.providerName);
  const waitingSince = Date.now();
  // One discovery per provider at a time: concurrent logins would only repeat the same work.
  return withLock(
    input.deps.dirs,
    `provision:${input.providerName}`,
    async () => {
      const writtenMeanwhile = (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > waitingSince;
      if (writtenMeanwhile) {
        const entries = readProvisionedEntries(file) ?? [];
        return { ...emptyResult(input.providerName, file), identities: entries.length, byAnotherProcess: true };
      }
      return discoverAndWrite(input, file);
    },
    { log: input.deps.log },
  );
}

interface ProvisionInput {
  providerName: string;
  provider: IdentityCenterProviderConfig;
  session: SsoSession;
  deps: SessionDeps;
  onProgress?: (progress: DiscoveryProgress) => void;
  signal?: AbortSignal;
}

const emptyResult = (provider: string, file: string): ProvisionResult => ({
  provider,
  file,
  identities: 0,
  accounts: 0,
  failedAccounts: [],
  added: [],
  removed: [],
  collisions: [],
  durationMs: 0,
  requests: 0,
  throttled: 0,
});

async function discoverAndWrite(input: ProvisionInput, file: string): Promise<ProvisionResult> {
  const { providerName, provider, deps } = input;
  const started = deps.clock.now();
  const previous = (existsSync(file) ? readProvisionedEntries(file) : undefined) ?? [];

  const discovery = await discoverAssignments({
    accessToken: input.session.accessToken,
    region: provider.region,
    env: deps.env,
    log: deps.log,
    onProgress: input.onProgress,
    signal: input.signal,
  });

  const includeAccount = globFilter(provider.provision?.accounts);
  const includeRole = globFilter(provider.provision?.roles);
  const accounts = discovery.accounts.filter((account) => includeAccount(account.name, account.id));
  const failed = accounts.filter((account) => account.roles === undefined);
  const assignments: Assignment[] = accounts.flatMap((account) =>
    (account.roles ?? [])
      .filter((role) => includeRole(role))
      .map((role) => ({ accountId: account.id, accountName: account.name, role })),
  );
  const named = nameAssignments(assignments, provider.provision?.name_template);
  const entries: ProvisionedEntry[] = [...named.identities].map(([name, assignment]) => ({ name, ...assignment }));
  const failedIds = new Set(failed.map((account) => account.id));
  const taken = new Set(entries.map((entry) => entry.name.toLowerCase()));
  for (const entry of previous) {
    if (failedIds.has(entry.accountId) && !taken.has(entry.name.toLowerCase())) entries.push({ ...entry, stale: true });
  }

  const before = new Set(previous.map((entry) => entry.name));
  const after = new Set(entries.map((entry) => entry.name));
  const result: ProvisionResult = {
    ...emptyResult(providerName, file),
    identities: entries.length,
    accounts: accounts.length,
    failedAccounts: failed.map((account) => ({ id: account.id, name: account.name, error: account.error ?? 'failed' })),
    added: [...after].filter((name) => !before.has(name)).sort(),
    removed: [...before].filter((name) => !after.has(name)).sort(),
    collisions: named.collisions,
    requests: discovery.requests,
    throttled: discovery.throttled,
  };

  if (entries.length === 0 && previous.length > 0) {
    result.keptPrevious = `discovery found no identities, so the ${previous.length} of the previous run were kept`;
  } else {
    const rendered = renderProvisionedFile(
      {
        provider: providerName,
        startUrl: provider.start_url,
        region: provider.region,
        provisionedAt: new Date(deps.clock.now()).toISOString(),
        accounts: accounts.length,
        roles: assignments.length,
        staleAccounts: failed.length,
      },
      entries,
    );
    writeFileAtomic(file, rendered);
  }
  result.durationMs = deps.clock.now() - started;
  return result;
}
