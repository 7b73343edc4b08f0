import { chooseProvider } from '../auth/select-provider.js';
import type { IdentityCenterProviderConfig, RolecallConfig } from '../config/schema.js';
import { ExitCode, RolecallError, usageError } from '../core/errors.js';
import type { CommandContext } from './context.js';

export interface PickOptions {
  /** The names to offer for what was typed, best first (default: those containing it). */
  filter?: (names: readonly string[], term: string) => string[];
  /** How many names show at once. */
  pageSize?: number;
}

const containing = (names: readonly string[], term: string) =>
  names.filter((name) => name.toLowerCase().includes(term.toLowerCase()));

/**
 * Lets the person choose one of several names, typing to filter, when there is a terminal to ask on;
 * without one it is a usage error that lists the names and the flag that chooses. Esc or Ctrl+C
 * cancels: exit 130, as an interrupted command.
 */
export async function pickOne(
  ctx: CommandContext,
  what: string,
  names: string[],
  flag: string,
  options: PickOptions = {},
): Promise<string> {
  if (!(process.stdin.isTTY && ctx.stderr.isTTY)) {
    throw usageError(
      `${what}.ambiguous`,
      `several ${what}s are configured: ${names.join(', ')}`,
      `choose one with ${flag}`,
    );
  }
  const { default: search } = await import('@inquirer/search');
  const filter = options.filter ?? containing;
  const cancel = new AbortController();
  const onKey = (_: unknown, key: { name?: string } | undefined) => {
    if (key?.name === 'escape') cancel.abort();
  };
  process.stdin.on('keypress', onKey);
  try {
    return await search(
      {
        message: `Which ${what}? (type to filter, Esc to cancel)`,
        pageSize: options.pageSize,
        source: (term) => filter(names, term ?? '').map((name) => ({ value: name })),
      },
      { output: ctx.stderr, signal: cancel.signal },
    );
  } catch (error) {
    if (['ExitPromptError', 'AbortPromptError'].includes((error as Error).name)) {
      throw new RolecallError(`${what}.cancelled`, `no ${what} chosen`, {
        exitCode: ExitCode.interrupted,
        hint: `choose one with ${flag}`,
      });
    }
    throw error;
  } finally {
    process.stdin.off('keypress', onKey);
  }
}

/**
 * The IAM Identity Center provider a command works on: `--provider`, else as `chooseProvider` says,
 * asking on a terminal when it cannot tell. Other kinds are a usage error.
 */
export async function pickIdentityCenterProvider(
  ctx: CommandContext,
  config: RolecallConfig,
  requested: string | undefined,
): Promise<{ name: string; provider: IdentityCenterProviderConfig }> {
  const choice = chooseProvider(config, requested);
  const name = 'name' in choice ? choice.name : await pickOne(ctx, 'provider', choice.ask, '--provider');
  const provider = config.auth?.providers?.[name];
  if (provider?.kind !== 'aws/iam-identity-center') {
    throw usageError(
      'provider.unsupported',
      `provider ${name} has kind ${provider?.kind}, which rolecall does not support for this command`,
      'name an aws/iam-identity-center provider with --provider',
    );
  }
  return { name, provider };
}
