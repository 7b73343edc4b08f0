import type { z } from 'zod';
import { directProvider, parentOf, viaOf } from './identity-graph.js';
import { type ConfigIssue, joinPointer, parsePointer } from './issues.js';
import { isSupportedIdentityKind, isSupportedProviderKind } from './kinds.js';
import { isPlainMap, type PlainMap } from './merge.js';
import type { Origins } from './read-yaml.js';
import { configSchema, identityOverrideSchema, type RolecallConfig } from './schema.js';

export interface Validated {
  config?: RolecallConfig;
  issues: ConfigIssue[];
}

/** The position of the nearest key that was written, walking up from `pointer`. */
export function originOf(origins: Origins, pointer: string) {
  for (let current = pointer; ; current = current.slice(0, current.lastIndexOf('/'))) {
    const at = origins.get(current);
    if (at || current === '') return at;
  }
}

function zodIssues(error: z.ZodError, origins: Origins): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    const pointer = issue.path.reduce<string>((parent, segment) => joinPointer(parent, String(segment)), '');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const keyPointer = joinPointer(pointer, key);
        return { severity: 'error', message: issue.message, pointer: keyPointer, at: originOf(origins, keyPointer) };
      });
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    const message = missing && !issue.message.startsWith('is required') ? 'is required' : issue.message;
    return [{ severity: 'error', message, pointer, at: originOf(origins, pointer) }];
  });
}

function deleteAt(value: PlainMap, pointer: string): void {
  const segments = parsePointer(pointer);
  const last = segments.pop();
  let parent: unknown = value;
  for (const segment of segments) parent = isPlainMap(parent) ? parent[segment] : undefined;
  if (isPlainMap(parent) && last !== undefined) delete parent[last];
}

/**
 * Identities without `kind` only add settings to a provisioned identity of the same name. When there is
 * none (no login yet), the entry is set aside with a warning instead of failing every command.
 */
function setAsideOverrides(value: PlainMap, origins: Origins): ConfigIssue[] {
  const auth = value['auth'];
  const identities = isPlainMap(auth) ? auth['identities'] : undefined;
  if (!isPlainMap(identities)) return [];
  const issues: ConfigIssue[] = [];
  for (const [name, identity] of Object.entries(identities)) {
    if (!isPlainMap(identity) || identity['kind'] !== undefined) continue;
    const pointer = joinPointer('/auth/identities', name);
    const parsed = identityOverrideSchema.safeParse(identity);
    if (!parsed.success) continue; // the schema reports it with the full set of kinds
    issues.push({
      severity: 'warning',
      message: 'sets no kind and no provisioned identity has this name, so it is ignored for now',
      pointer,
      at: originOf(origins, pointer),
      hint: 'run `rolecall login` for the provider that discovers it, or add a kind',
    });
    delete identities[name];
  }
  return issues;
}

/**
 * Before the first login of a provider that discovers identities, a chain may start from an identity
 * that does not exist yet (`via: { identity: production/Admin }`). Such entries, and chains built on
 * them, are set aside with a warning instead of making the configuration invalid, which would stop
 * the very login that discovers them.
 */
function setAsideChainsToUndiscovered(
  config: RolecallConfig,
  origins: Origins,
  pendingProviders: readonly string[],
): ConfigIssue[] {
  const identities = config.auth?.identities;
  if (!identities || pendingProviders.length === 0) return [];
  const issues: ConfigIssue[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, identity] of Object.entries(identities)) {
      const parent = parentOf(identity);
      if (parent === undefined || parent in identities) continue;
      const pointer = joinPointer(joinPointer(joinPointer('/auth/identities', name), 'via'), 'identity');
      issues.push({
        severity: 'warning',
        message: `names identity ${JSON.stringify(parent)}, which does not exist yet; ${name} is ignored until it does`,
        pointer,
        at: originOf(origins, pointer),
        hint: `run \`rolecall login\` for ${pendingProviders.join(' or ')} to discover identities, or fix the name`,
      });
      delete identities[name];
      changed = true;
    }
  }
  return issues;
}

function crossReferenceIssues(config: RolecallConfig, origins: Origins): ConfigIssue[] {
  const providers = config.auth?.providers ?? {};
  const identities = config.auth?.identities ?? {};
  const issues: ConfigIssue[] = [];
  const error = (pointer: string, message: string, hint?: string) =>
    issues.push({ severity: 'error', message, pointer, at: originOf(origins, pointer), hint });
  const listOf = (names: string[]) => (names.length ? names.join(', ') : 'none');

  for (const [name, provider] of Object.entries(providers)) {
    if (!isSupportedProviderKind(provider.kind)) {
      const pointer = joinPointer(joinPointer('/auth/providers', name), 'kind');
      issues.push({
        severity: 'warning',
        message: `provider kind ${provider.kind} is not supported by rolecall; it is listed but cannot log in`,
        pointer,
        at: originOf(origins, pointer),
      });
    }
  }

  for (const [name, identity] of Object.entries(identities)) {
    const base = joinPointer('/auth/identities', name);
    if (!isSupportedIdentityKind(identity.kind)) {
      const pointer = joinPointer(base, 'kind');
      issues.push({
        severity: 'warning',
        message: `identity kind ${identity.kind} is not supported by rolecall; it is listed but cannot be used`,
        pointer,
        at: originOf(origins, pointer),
      });
      continue;
    }
    if (identity.kind === 'aws/user') continue;
    const via = viaOf(identity);
    const providerName = via?.identity === undefined ? directProvider(identity) : undefined;
    if (identity.kind === 'aws/permission-set' && via?.identity !== undefined) {
      error(
        joinPointer(base, 'via'),
        'an aws/permission-set identity gets its credentials from a provider',
        'use via: { provider: NAME }',
      );
    } else if (providerName === undefined && via?.identity === undefined) {
      error(base, 'names no provider', 'add via: { provider: NAME }');
    }
    if (providerName !== undefined && !(providerName in providers)) {
      const pointer =
        via?.provider !== undefined ? joinPointer(joinPointer(base, 'via'), 'provider') : joinPointer(base, 'provider');
      error(
        pointer,
        `names provider ${JSON.stringify(providerName)}, which is not configured; configured providers: ${listOf(Object.keys(providers))}`,
      );
    }
    if (via?.identity !== undefined && !(via.identity in identities)) {
      error(
        joinPointer(joinPointer(base, 'via'), 'identity'),
        `names identity ${JSON.stringify(via.identity)}, which does not exist`,
        'check the name with `rolecall list`',
      );
    }
  }

  const parentOfName = (all: typeof identities, name: string) => {
    const identity = all[name];
    return identity ? parentOf(identity) : undefined;
  };
  // Chains through via.identity: following them from any identity must end at a provider.
  const reported = new Set<string>();
  for (const start of Object.keys(identities)) {
    const path: string[] = [];
    for (let current: string | undefined = start; current !== undefined; current = parentOfName(identities, current)) {
      if (path.includes(current)) {
        const cycle = path.slice(path.indexOf(current));
        const key = [...cycle].sort().join('\n');
        if (!reported.has(key)) {
          reported.add(key);
          error(
            joinPointer(joinPointer(joinPointer('/auth/identities', current), 'via'), 'identity'),
            `identity chain has a cycle: ${[...cycle, current].join(' -> ')}`,
            'one identity in the chain must get its credentials from a provider',
          );
        }
        break;
      }
      path.push(current);
    }
  }

  const defaults = Object.entries(identities).filter(([, identity]) => identity.default === true);
  if (defaults.length > 1) {
    for (const [name] of defaults) {
      const others = defaults.map(([other]) => other).filter((other) => other !== name);
      error(
        joinPointer(joinPointer('/auth/identities', name), 'default'),
        `more than one identity is marked default (also: ${others.join(', ')})`,
        'keep default: true on one identity only',
      );
    }
  }
  return issues;
}

/**
 * Validates the merged configuration: the schema first, then what a schema cannot say (references
 * between entries, chains, a single default). Keys an atmos.yaml has that rolecall does not know are
 * dropped with a warning, since Atmos may define more than rolecall reads.
 */
export function validateConfig(
  value: PlainMap,
  origins: Origins,
  atmosFiles: ReadonlySet<string>,
  pendingProviders: readonly string[] = [],
): Validated {
  const issues = setAsideOverrides(value, origins);
  for (;;) {
    const parsed = configSchema.safeParse(value);
    if (parsed.success) {
      issues.push(...setAsideChainsToUndiscovered(parsed.data, origins, pendingProviders));
      issues.push(...crossReferenceIssues(parsed.data, origins));
      return issues.some((issue) => issue.severity === 'error') ? { issues } : { config: parsed.data, issues };
    }
    const found = zodIssues(parsed.error, origins);
    const foreign = found.filter(
      (issue) => issue.message.startsWith('unknown key') && issue.at && atmosFiles.has(issue.at.file),
    );
    if (foreign.length === 0) {
      issues.push(...found);
      return { issues };
    }
    for (const issue of foreign) {
      issues.push({
        ...issue,
        severity: 'warning',
        message: `${issue.message.replace(/;.*/, '')} (Atmos setting rolecall does not use; ignored)`,
      });
      deleteAt(value, issue.pointer!);
    }
  }
}
