import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isRolecallError, usageError } from '../core/errors.js';
import { createLogger, isLogLevel, redact } from '../core/log.js';
import { version } from '../core/version.js';
import type { CommandContext, GlobalOptions, LogLevel } from './context.js';
import { type CommandSpec, commands } from './registry.js';
import { shouldColor } from './render/colors.js';
import { shorthandToExec } from './shorthand.js';

interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function globalsFrom(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, streams: Streams): GlobalOptions {
  const requested = (raw['logLevel'] as string | undefined) ?? env['ROLECALL_LOG_LEVEL'];
  if (requested !== undefined && !isLogLevel(requested)) {
    throw usageError(
      'log-level.invalid',
      `ROLECALL_LOG_LEVEL=${requested} is not a log level`,
      'set it to debug, info, warn or error, or unset it',
    );
  }
  const logLevel: LogLevel = requested ?? 'info';
  const noColor = raw['color'] === false;
  return {
    config: raw['config'] as string | undefined,
    logLevel,
    logLevelExplicit: requested !== undefined,
    color: {
      stdout: shouldColor(streams.stdout, noColor, env),
      stderr: shouldColor(streams.stderr, noColor, env),
    },
  };
}

function buildProgram(streams: Streams, run: (spec: CommandSpec, command: Command) => Promise<void>): Command {
  const program = new Command('rolecall')
    .description(
      'Every AWS role you may use, as a named identity: sign in once, and every account and permission set is there.',
    )
    .version(version, '-V, --version', 'print the version')
    .addOption(
      new Option(
        '--config <file>',
        'config file (default: ROLECALL_CONFIG, then rolecall.yaml, .rolecall.yaml or atmos.yaml upward from here, then the user config)',
      ),
    )
    .addOption(new Option('--log-level <level>', 'log detail on stderr').choices(['debug', 'info', 'warn', 'error']))
    .option('--no-color', 'no colour in output (also NO_COLOR)')
    .showHelpAfterError('(run `rolecall --help` for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success; 1 runtime failure (network, AWS error); 2 usage or configuration error;
3 authentication needed or failed; 130 interrupted; exec, terraform, tofu and shell exit with the
child's code (127: command not found).
Environment: ROLECALL_CONFIG (config file), ROLECALL_IDENTITY, ROLECALL_LOG_LEVEL, ROLECALL_KEYRING,
NO_COLOR, BROWSER, AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_STS and
AWS_ENDPOINT_URL_SIGNIN; state lives under
XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_STATE_HOME (%LOCALAPPDATA% on Windows).`,
    )
    .configureOutput({ writeOut: (text) => streams.stdout.write(text), writeErr: (text) => streams.stderr.write(text) })
    .exitOverride();

  const groups = new Map<string, Command>();
  for (const spec of commands) {
    const words = spec.name.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) {
      let group = groups.get(word);
      if (!group) {
        group = parent.command(word).description(`${word} commands`);
        groups.set(word, group);
      }
      parent = group;
    }
    const command = parent.command(words.at(-1)!).description(spec.summary);
    if (spec.operands) command.arguments(spec.operands);
    if (spec.usageHint) command.showHelpAfterError(spec.usageHint);
    for (const option of spec.options) {
      const built = new Option(option.flags, option.description);
      if (option.choices) built.choices(option.choices);
      if (option.defaultValue !== undefined) built.default(option.defaultValue);
      command.addOption(built);
    }
    command.action(async (...args: unknown[]) => run(spec, args.at(-1) as Command));
  }
  return program;
}

function report(error: unknown, ctx: Pick<CommandContext, 'stderr'>, logLevel: LogLevel): ExitCode {
  if (isRolecallError(error)) {
    ctx.stderr.write(`error: ${redact(error.message)}\n`);
    if (error.hint) ctx.stderr.write(`hint: ${redact(error.hint)}\n`);
    if (logLevel === 'debug' && error.cause instanceof Error) ctx.stderr.write(`${redact(error.cause.stack ?? '')}\n`);
    return error.exitCode;
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  ctx.stderr.write(`error: unexpected failure: ${redact(failure.message)}\n`);
  if (logLevel === 'debug') ctx.stderr.write(`${redact(failure.stack ?? '')}\n`);
  else ctx.stderr.write('hint: run again with --log-level debug for details, and report it if it persists\n');
  return ExitCode.runtime;
}

/** Runs rolecall with these arguments and returns the exit code (the CLI contract's 0, 1, 2, 3). */
export async function main(argv: string[], env: NodeJS.ProcessEnv, cwd: string, streams: Streams): Promise<number> {
  if (argv[0] === '__complete') {
    const { printNames } = await import('./complete-names.js');
    return printNames(argv[1], { env, cwd, ...streams });
  }
  const words = shorthandToExec(argv);
  let exitCode: number = ExitCode.ok;
  let reportLevel: LogLevel = 'info';
  const program = buildProgram(streams, async (spec, command) => {
    const globals = globalsFrom(command.optsWithGlobals(), env, streams);
    reportLevel = globals.logLevel;
    const ctx: CommandContext = { globals, env, cwd, ...streams, log: createLogger(globals.logLevel, streams.stderr) };
    const module = await spec.load();
    exitCode = await (module.run as (...args: unknown[]) => Promise<number>)(ctx, command.opts(), command.args);
  });
  try {
    await program.parseAsync(words, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parsing error is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return report(error, streams, reportLevel);
  }
}
