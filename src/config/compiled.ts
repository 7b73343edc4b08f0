import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/log.js';
import { buildId } from '../core/version.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { discardDamagedFile, NOT_OURS, readJsonFile } from '../store/json-file.js';
import type { StateDirs } from '../store/paths.js';
import type { AssembledConfig, ProvisionedInfo } from './assemble.js';
import type { GlobImport } from './glob.js';
import type { ConfigIssue } from './issues.js';
import type { Origins } from './read-yaml.js';
import type { RolecallConfig } from './schema.js';

/**
 * The assembled, validated configuration saved as JSON, so that commands skip YAML parsing and schema
 * validation (about 1 s for 5,000 identities) while no source changed. Positions go to a second file,
 * read only by the commands that show them.
 */
export interface CompiledConfig extends ConfigSources {
  format: typeof FORMAT;
  build: string;
  mainFile: string;
  config: RolecallConfig;
  warnings: ConfigIssue[];
  provisioned: Record<string, ProvisionedInfo>;
}

/** A file as it was when compiled; `size: -1` records that it did not exist. */
interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Every file a configuration was assembled from, and its glob imports: what decides whether it changed. */
export interface ConfigSources {
  stamps: FileStamp[];
  globs: GlobImport[];
}

/** Origins packed as [pointer, file index, line, column] rows: a fraction of the size of objects. */
interface CompiledOrigins {
  files: string[];
  rows: [string, number, number, number][];
}

const FORMAT = 1;
/** Sources changed more recently than this before compiling are not trusted to match their stamps. */
export const RACY_WINDOW_MS = 100;

export function compiledPaths(dirs: StateDirs, mainFile: string) {
  const key = createHash('sha256').update(mainFile).digest('hex').slice(0, 24);
  const base = join(dirs.cache, 'compiled', key);
  return { config: `${base}.json`, origins: `${base}.origins.json` };
}

function stamp(path: string): FileStamp {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats ? { path, size: stats.size, mtimeMs: stats.mtimeMs } : { path, size: -1, mtimeMs: 0 };
}

const sameStamp = (a: FileStamp, b: FileStamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * What a parsed compiled file is: this build's (`current`), another build's or another main file's,
 * which are simply compiled again (`outdated`), or neither (`damaged`).
 */
function compiledState(value: unknown, mainFile: string): 'current' | 'outdated' | 'damaged' {
  const candidate = value as Partial<CompiledConfig>;
  if (!isObject(value) || typeof candidate.format !== 'number' || typeof candidate.build !== 'string') return 'damaged';
  if (candidate.format !== FORMAT || candidate.build !== buildId || candidate.mainFile !== mainFile) return 'outdated';
  const whole =
    Array.isArray(candidate.stamps) &&
    Array.isArray(candidate.globs) &&
    isObject(candidate.config) &&
    Array.isArray(candidate.warnings) &&
    isObject(candidate.provisioned);
  return whole ? 'current' : 'damaged';
}

/**
 * The compiled configuration when it is still true to its sources: every file the same size and
 * modification time (or still absent), every glob import still matching the same files. A damaged one
 * is reported, once, and removed: the caller compiles it again.
 */
export async function readFreshCompiled(
  dirs: StateDirs,
  mainFile: string,
  log: Logger,
): Promise<CompiledConfig | undefined> {
  const path = compiledPaths(dirs, mainFile).config;
  const read = readJsonFile(path);
  if (read.state === 'absent') return undefined;
  const state = read.state === 'parsed' ? compiledState(read.value, mainFile) : 'damaged';
  if (state === 'damaged') {
    const damage = read.state === 'damaged' ? read.damage : NOT_OURS;
    discardDamagedFile(path, 'compiled configuration', damage, 'compiling it again from its sources', log);
  }
  if (state !== 'current') return undefined;
  const compiled = (read as { value: CompiledConfig }).value;
  return (await sourcesUnchanged(compiled)) ? compiled : undefined;
}

/**
 * Whether the sources are as they were: every file the same size and modification time (or still
 * absent), every glob import still matching the same files.
 */
export async function sourcesUnchanged(sources: ConfigSources): Promise<boolean> {
  if (!sources.stamps.every((recorded) => sameStamp(recorded, stamp(recorded.path)))) return false;
  if (sources.globs.length === 0) return true;
  // The glob matcher is loaded only for configurations that import with globs.
  const { expandGlob } = await import('./glob.js');
  return sources.globs.every(
    (glob) => JSON.stringify(expandGlob(glob.cwd, glob.pattern)) === JSON.stringify(glob.matches),
  );
}

const isOriginRow = (row: unknown, files: number): row is CompiledOrigins['rows'][number] =>
  Array.isArray(row) &&
  row.length === 4 &&
  typeof row[0] === 'string' &&
  Number.isInteger(row[1]) &&
  row[1] >= 0 &&
  row[1] < files &&
  row.slice(2).every(Number.isInteger);

/** The positions of the compiled configuration; a damaged file is reported once and removed (the caller compiles again). */
export function readCompiledOrigins(dirs: StateDirs, mainFile: string, log: Logger): Origins | undefined {
  const path = compiledPaths(dirs, mainFile).origins;
  const read = readJsonFile(path);
  if (read.state === 'absent') return undefined;
  const packed = read.state === 'parsed' ? (read.value as Partial<CompiledOrigins> | null) : undefined;
  const files = packed?.files;
  const rows = packed?.rows;
  const whole =
    Array.isArray(files) &&
    files.every((file) => typeof file === 'string') &&
    Array.isArray(rows) &&
    rows.every((row) => isOriginRow(row, files.length));
  if (!whole) {
    const damage = read.state === 'damaged' ? read.damage : NOT_OURS;
    discardDamagedFile(path, 'compiled origins file', damage, 'compiling the configuration again', log);
    return undefined;
  }
  const origins: Origins = new Map();
  for (const [pointer, fileIndex, line, column] of rows)
    origins.set(pointer, { file: files[fileIndex]!, line, column });
  return origins;
}

/**
 * Saves the assembled configuration, unless a source changed while it was being compiled (or just
 * before, within the granularity of modification times): such a result might not match its stamps,
 * so the next run compiles again instead. Returns the sources it saved, undefined when it did not.
 */
export function writeCompiled(
  dirs: StateDirs,
  assembled: AssembledConfig,
  startedAt: number,
): ConfigSources | undefined {
  const stamps = assembled.inputs.files.map(stamp);
  if (stamps.some((recorded) => recorded.mtimeMs > startedAt - RACY_WINDOW_MS)) return undefined;
  const paths = compiledPaths(dirs, assembled.mainFile);
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const rows: CompiledOrigins['rows'] = [];
  for (const [pointer, at] of assembled.origins) {
    let index = fileIndex.get(at.file);
    if (index === undefined) {
      index = files.push(at.file) - 1;
      fileIndex.set(at.file, index);
    }
    rows.push([pointer, index, at.line, at.column]);
  }
  const compiled: CompiledConfig = {
    format: FORMAT,
    build: buildId,
    mainFile: assembled.mainFile,
    stamps,
    globs: assembled.inputs.globs,
    config: assembled.config,
    warnings: assembled.warnings.filter((warning) => !warning.once),
    provisioned: assembled.provisioned,
  };
  writeFileAtomic(paths.origins, JSON.stringify({ files, rows } satisfies CompiledOrigins));
  writeFileAtomic(paths.config, JSON.stringify(compiled));
  return { stamps, globs: compiled.globs };
}
