import type { Logger } from '../core/log.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Options every command accepts (see `rolecall --help`). */
export interface GlobalOptions {
  config?: string;
  logLevel: LogLevel;
  /** Whether `--log-level` or ROLECALL_LOG_LEVEL chose the level (else the config's `auth.logs.level` may). */
  logLevelExplicit: boolean;
  /** Whether each stream gets colour: a terminal, and neither `--no-color` nor `NO_COLOR`. */
  color: { stdout: boolean; stderr: boolean };
}

/** What a command module receives: the process's edges, passed in so tests and callers can set them. */
export interface CommandContext {
  globals: GlobalOptions;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  log: Logger;
}

/**
 * Every module in `src/cli/commands/` exports one of these as `run`. It returns the exit code; it
 * throws `RolecallError` for failures a user can act on.
 */
export type CommandRun<Options = Record<string, unknown>> = (
  ctx: CommandContext,
  options: Options,
  operands: string[],
) => Promise<number>;
