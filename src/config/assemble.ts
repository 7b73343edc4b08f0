import { renameSync, statSync } from 'node:fs';
import { provisionedFilePath, type StateDirs } from '../store/paths.js';
import type { ConfigLocation } from './discover.js';
import type { GlobImport } from './glob.js';
import { readWithImports } from './imports.js';
import { ConfigError, type ConfigIssue, displayPath } from './issues.js';
import { isPlainMap, mergeSources, type PlainMap } from './merge.js';
import { type Origins, readYamlFile, type YamlSource } from './read-yaml.js';
import type { RolecallConfig } from './schema.js';
import { validateConfig } from './validate.js';

/** What provisioning recorded about its last run for one provider (`auth._metadata`). */
export interface ProvisionedInfo {
  file: string;
  metadata?: PlainMap;
}

/** Every file the result depends on, present or not: a later login may create a provisioned file. */
export interface CompileInputs {
  files: string[];
  globs: GlobImport[];
}

export interface AssembledConfig {
  mainFile: string;
  config: RolecallConfig;
  origins: Origins;
  warnings: ConfigIssue[];
  provisioned: Record<string, ProvisionedInfo>;
  inputs: CompileInputs;
}

function providerNames(sources: readonly YamlSource[]): string[] {
  const names = new Set<string>();
  for (const { value } of sources) {
    const providers = isPlainMap(value) && isPlainMap(value['auth']) ? value['auth']['providers'] : undefined;
    if (isPlainMap(providers)) for (const name of Object.keys(providers)) names.add(name);
  }
  return [...names];
}

/** Providers that discover identities at login but have no provisioned file yet. */
function undiscoveredProviders(value: PlainMap, provisioned: Record<string, ProvisionedInfo>): string[] {
  const providers = isPlainMap(value['auth']) ? value['auth']['providers'] : undefined;
  if (!isPlainMap(providers)) return [];
  return Object.entries(providers)
    .filter(
      ([name, provider]) =>
        isPlainMap(provider) && provider['auto_provision_identities'] === true && !provisioned[name],
    )
    .map(([name]) => name);
}

/**
 * Moves a damaged provisioned file out of the way, so that it is reported once and the next login
 * writes a whole one; it is kept beside, as `.damaged`, for a look.
 */
function setAside(file: string): string {
  try {
    renameSync(file, `${file}.damaged`);
    return `set aside as ${file}.damaged`;
  } catch {
    return 'skipped';
  }
}

/**
 * Why a provisioned file that parses is not whole, if it is not: a file cut short between two
 * identities, or inside one, still parses. Rolecall counts the identities in `_metadata` and gives
 * each one its account id, so a missing identity or a cut-off entry shows.
 */
function incomplete(identities: Record<string, unknown>, metadata: unknown): string | undefined {
  const names = Object.keys(identities);
  const counts = isPlainMap(metadata) ? metadata['counts'] : undefined;
  const counted = isPlainMap(counts) ? counts['identities'] : undefined;
  if (typeof counted === 'number' && counted !== names.length)
    return `it holds ${names.length} identities where its header counts ${counted}: cut short?`;
  const cut = names.find((name) => {
    const principal = (identities[name] as { principal?: { account?: { id?: unknown } } } | null)?.principal;
    return typeof principal?.account?.id !== 'string';
  });
  return cut === undefined ? undefined : `identity ${JSON.stringify(cut)} has no account id: cut short?`;
}

/**
 * A provisioned file contributes its identities only. It is generated, so a damaged one is a warning
 * (the next login rewrites it), not a reason to stop every command.
 */
function readProvisioned(provider: string, file: string, warnings: ConfigIssue[]) {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
  const damaged = (detail: string | undefined): undefined => {
    warnings.push({
      severity: 'warning',
      message: `provisioned identities of ${provider} in ${file} are unreadable (${detail}); ${setAside(file)}`,
      once: true,
      hint: `run \`rolecall login --provider ${provider}\` to rebuild the file`,
    });
    return undefined;
  };
  const read = readYamlFile(file);
  if (!read.ok) return damaged(read.issues[0]?.message);
  const auth = isPlainMap(read.source.value) ? read.source.value['auth'] : undefined;
  if (!isPlainMap(auth) || !isPlainMap(auth['identities'])) return damaged('it has no auth.identities map');
  const cut = incomplete(auth['identities'], auth['_metadata']);
  if (cut) return damaged(cut);
  const metadata = isPlainMap(auth['_metadata']) ? auth['_metadata'] : undefined;
  const source: YamlSource = { ...read.source, value: { auth: { identities: auth['identities'] } } };
  return { source, info: { file, ...(metadata ? { metadata } : {}) } };
}

/**
 * Identities in case-insensitive name order, decided once here so that commands listing thousands of
 * them never sort. Plain comparison: locale collation is slow at that scale.
 */
function withSortedIdentities(config: RolecallConfig): RolecallConfig {
  const identities = config.auth?.identities;
  if (!identities) return config;
  const sorted = Object.keys(identities)
    .map((name) => [name.toLowerCase(), name] as const)
    .sort(([a, nameA], [b, nameB]) => (a < b ? -1 : a > b ? 1 : nameA < nameB ? -1 : 1))
    .map(([, name]) => [name, identities[name]!] as const);
  return { ...config, auth: { ...config.auth, identities: Object.fromEntries(sorted) } };
}

/**
 * Builds the configuration every command uses: provisioned files first (for each configured provider
 * that has one), then imports, then the main file, deep-merged and validated. Throws ConfigError
 * listing every error; returns warnings alongside the result.
 */
export function assembleConfig(location: ConfigLocation, dirs: StateDirs): AssembledConfig {
  const imported = readWithImports(location.file, location.flavour);
  if (imported.issues.length > 0) throw new ConfigError(imported.issues);

  const warnings: ConfigIssue[] = [];
  const provisioned: Record<string, ProvisionedInfo> = {};
  const provisionedSources: YamlSource[] = [];
  const files = imported.sources.map((source) => source.file);
  for (const provider of providerNames(imported.sources)) {
    const file = provisionedFilePath(dirs, provider);
    files.push(file);
    const found = readProvisioned(provider, file, warnings);
    if (!found) continue;
    provisionedSources.push(found.source);
    provisioned[provider] = found.info;
  }

  const validate = () => {
    const { value, origins } = mergeSources([...provisionedSources, ...imported.sources]);
    const result = validateConfig(value, origins, imported.atmosFiles, undiscoveredProviders(value, provisioned));
    return { origins, ...result };
  };
  let validated = validate();
  // Errors inside a provisioned file mean it was damaged (it is generated): it is set aside like an
  // unreadable one, and the user's own files are judged without it.
  const damaged = new Set(
    validated.issues.flatMap((issue) =>
      issue.severity === 'error' && issue.at && provisionedSources.some((source) => source.file === issue.at!.file)
        ? [issue.at.file]
        : [],
    ),
  );
  if (damaged.size > 0) {
    for (const [provider, info] of Object.entries(provisioned)) {
      if (!damaged.has(info.file)) continue;
      const first = validated.issues.find((issue) => issue.at?.file === info.file);
      warnings.push({
        severity: 'warning',
        message: `provisioned identities of ${provider} in ${info.file} are damaged (line ${first?.at?.line}: ${first?.pointer ? `${displayPath(first.pointer)} ` : ''}${first?.message}); ${setAside(info.file)}`,
        hint: `run \`rolecall login --provider ${provider}\` to rebuild the file`,
        once: true,
      });
      delete provisioned[provider];
    }
    provisionedSources.splice(
      0,
      provisionedSources.length,
      ...provisionedSources.filter((source) => !damaged.has(source.file)),
    );
    validated = validate();
  }
  const { origins } = validated;
  const issues = [...warnings, ...validated.issues];
  if (!validated.config) throw new ConfigError(issues);
  return {
    mainFile: location.file,
    config: withSortedIdentities(validated.config),
    origins,
    warnings: issues,
    provisioned,
    inputs: { files, globs: imported.globs },
  };
}
