import { loadConfig } from '../config/load.js';
import { createLogger } from '../core/log.js';
import type { CommandContext } from './context.js';
import { dirsFor } from './dirs.js';

/**
 * `rolecall __complete providers|identities`: the names a shell completion offers, one per line,
 * from the compiled configuration. It runs on every Tab press, so it skips the CLI framework, and
 * prints nothing else: no warnings, no errors (a broken config completes nothing).
 */
export async function printNames(
  kind: string | undefined,
  ctx: Omit<CommandContext, 'log' | 'globals'>,
): Promise<number> {
  const quiet: CommandContext = {
    ...ctx,
    log: createLogger('error', { write: () => true }),
    globals: { logLevel: 'error', logLevelExplicit: true, color: { stdout: false, stderr: false } },
  };
  try {
    const { config } = await loadConfig(quiet, dirsFor(ctx));
    const names =
      kind === 'providers' ? config.auth?.providers : kind === 'identities' ? config.auth?.identities : undefined;
    ctx.stdout.write(
      Object.keys(names ?? {})
        .map((name) => `${name}\n`)
        .join(''),
    );
  } catch {
    // Completion offers nothing rather than an error in the middle of a command line.
  }
  return 0;
}
