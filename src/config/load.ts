import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandContext } from '../cli/context.js';
import { isLogLevel } from '../core/log.js';
import type { StateDirs } from '../store/paths.js';
import { keepStateFoldersPrivate } from '../store/private-folders.js';
import type { ProvisionedInfo } from './assemble.js';
import {
  type ConfigSources,
  RACY_WINDOW_MS,
  readCompiledOrigins,
  readFreshCompiled,
  writeCompiled,
} from './compiled.js';
import { type ConfigLocation, findConfigFile } from './discover.js';
import { type ConfigIssue, formatIssue } from './issues.js';
import type { Origins } from './read-yaml.js';
import type { RolecallConfig } from './schema.js';

/** The configuration a command works with, and where it came from. */
export interface LoadedConfig {
  location?: ConfigLocation;
  config: RolecallConfig;
  warnings: ConfigIssue[];
  provisioned: Record<string, ProvisionedInfo>;
  /** What the configuration was made from, when it could be recorded (for caches that depend on it). */
  sources?: ConfigSources;
  /** Positions of every value; read from disk only when asked for. */
  origins(): Promise<Origins>;
}

export interface LoadOptions {
  /** Assemble from the sources even when the compiled form is fresh (`rolecall validate`). */
  fresh?: boolean;
}

const emptyConfig = (): LoadedConfig => ({
  config: {},
  warnings: [],
  provisioned: {},
  origins: async () => new Map(),
});

async function assemble(ctx: CommandContext, dirs: StateDirs, location: ConfigLocation) {
  // YAML parsing and schema validation live in their own bundle, loaded only on this path.
  const { assembleConfig } = await import('./assemble.js');
  const startedAt = Date.now();
  const assembled = assembleConfig(location, dirs);
  let sources: ConfigSources | undefined;
  try {
    sources = writeCompiled(dirs, assembled, startedAt);
    if (!sources) ctx.log.debug('a config file changed while compiling; not cached');
  } catch (error) {
    ctx.log.debug(`could not save the compiled configuration: ${(error as Error).message}`);
  }
  return { ...assembled, sources };
}

/**
 * Finds, assembles and validates the configuration (throwing ConfigError, exit 2, when it is wrong),
 * reusing the compiled form while its sources are unchanged. Warnings go to the log once per run.
 */
export async function loadConfig(
  ctx: CommandContext,
  dirs: StateDirs,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  keepStateFoldersPrivate(dirs, ctx.log);
  const location = findConfigFile({ flag: ctx.globals.config, env: ctx.env, cwd: ctx.cwd, userConfigDir: dirs.config });
  if (!location) {
    ctx.log.debug('no configuration file found; using an empty configuration');
    return emptyConfig();
  }
  ctx.log.debug(`configuration: ${location.file} (from ${location.from})`);
  const compiled = options.fresh ? undefined : await readFreshCompiled(dirs, location.file, ctx.log);
  const loaded: LoadedConfig = compiled
    ? {
        location,
        config: compiled.config,
        warnings: compiled.warnings,
        provisioned: compiled.provisioned,
        sources: { stamps: compiled.stamps, globs: compiled.globs },
        origins: async () =>
          readCompiledOrigins(dirs, location.file, ctx.log) ?? (await assemble(ctx, dirs, location)).origins,
      }
    : await assemble(ctx, dirs, location).then((assembled) => ({
        location,
        config: assembled.config,
        warnings: assembled.warnings,
        provisioned: assembled.provisioned,
        sources: assembled.sources,
        origins: async () => assembled.origins,
      }));
  const configuredLevel = loaded.config.auth?.logs?.level?.toLowerCase();
  if (!ctx.globals.logLevelExplicit && configuredLevel && isLogLevel(configuredLevel))
    ctx.log.setLevel(configuredLevel);
  ctx.log.debug(compiled ? 'compiled configuration is fresh' : 'configuration compiled from its sources');
  for (const warning of loaded.warnings) ctx.log.warn(formatIssue(warning));
  return loaded;
}

/**
 * Compiles the configuration now, after provisioning rewrote one of its sources, so that the next
 * command finds it fresh instead of paying for thousands of identities itself. Silent: what it finds
 * wrong is the next command's to report.
 */
export async function precompileConfig(ctx: CommandContext, dirs: StateDirs): Promise<void> {
  try {
    const location = findConfigFile({
      flag: ctx.globals.config,
      env: ctx.env,
      cwd: ctx.cwd,
      userConfigDir: dirs.config,
    });
    if (!location) return;
    // A source written within the window is not trusted to match its stamp, and would not be saved.
    await sleep(RACY_WINDOW_MS + 10);
    await assemble(ctx, dirs, location);
  } catch (error) {
    ctx.log.debug(`could not compile the configuration ahead: ${(error as Error).message}`);
  }
}
