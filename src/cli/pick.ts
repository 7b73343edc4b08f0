import { chooseProvider } from '../auth/select-provider.js';
import type { IdentityCenterProviderConfig, RolecallConfig } from '../config/schema.js';
import { usageError } from '../core/errors.js';
import type { CommandContext } from './context.js';

/**
 * Lets the person choose one of several names, typing to filter, when there is a terminal to ask on;
 * without one it is a usage error that lists the names and the flag that chooses.
 */
export async function pickOne(ctx: CommandContext, what: string, names: string[], flag: string): Promise<string> {
  if (!(process.stdin.isTTY && ctx.stderr.isTTY)) {
    throw usageError(
      `${what}.ambiguous`,
      `several ${what}s are configured: ${names.join(', ')}`,
      `choose one with ${flag}`,
    );
  }
  const { default: search } = await import('@inquirer/search');
  try {
    return await search(
      {
        message: `Which ${what}?`,
        source: (term) => {
          const needle = (term ?? '').toLowerCase();
          return names.filter((name) => name.toLowerCase().includes(needle)).map((name) => ({ value: name }));
        },
      },
      { output: ctx.stderr },
    );
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') {
      throw usageError(`${what}.not-chosen`, `no ${what} chosen`, `choose one with ${flag}`);
    }
    throw error;
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
