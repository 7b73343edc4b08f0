import { formatIssue, isConfigError } from '../../config/issues.js';
import { loadConfig } from '../../config/load.js';
import { ExitCode } from '../../core/errors.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { colors } from '../render/colors.js';

interface ValidateOptions {
  format: 'text' | 'json';
}

/** Assembles the configuration from its sources (never the compiled copy) and reports every problem. */
export const run: CommandRun<ValidateOptions> = async (ctx, options) => {
  if (options.format === 'text') {
    const loaded = await loadConfig(ctx, dirsFor(ctx), { fresh: true });
    const c = colors(ctx.globals.color.stderr);
    if (!loaded.location) {
      ctx.stderr.write('no configuration file found; nothing to validate\n');
      return ExitCode.ok;
    }
    const providers = Object.keys(loaded.config.auth?.providers ?? {}).length;
    const identities = Object.keys(loaded.config.auth?.identities ?? {}).length;
    const warnings = loaded.warnings.length ? `, ${loaded.warnings.length} warning(s)` : '';
    ctx.stderr.write(
      `${c.green('✓')} ${loaded.location.file} is valid: ${providers} provider(s), ${identities} identit${identities === 1 ? 'y' : 'ies'}${warnings}\n`,
    );
    return ExitCode.ok;
  }
  // JSON: the same checks, every issue as data on stdout, for editors and CI.
  try {
    const quiet = { ...ctx, log: { ...ctx.log, warn: () => {} } };
    const loaded = await loadConfig(quiet, dirsFor(ctx), { fresh: true });
    ctx.stdout.write(
      `${JSON.stringify({ valid: true, file: loaded.location?.file ?? null, issues: loaded.warnings }, null, 2)}\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (!isConfigError(error)) throw error;
    ctx.stdout.write(`${JSON.stringify({ valid: false, issues: error.issues }, null, 2)}\n`);
    for (const issue of error.issues) ctx.log.debug(formatIssue(issue));
    return ExitCode.usage;
  }
};
