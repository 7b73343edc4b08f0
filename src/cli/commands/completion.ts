import { usageError } from '../../core/errors.js';
import { bashCompletion } from '../completion/bash.js';
import { fishCompletion } from '../completion/fish.js';
import { completionSpec } from '../completion/spec.js';
import { zshCompletion } from '../completion/zsh.js';
import type { CommandRun } from '../context.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

/** Prints the completion script for a shell. */
export const run: CommandRun = async (ctx, _options, [shell]) => {
  const generate = SHELLS[shell as keyof typeof SHELLS];
  if (!generate) {
    throw usageError('completion.shell', `no completion for ${JSON.stringify(shell)}`, 'choose bash, zsh or fish');
  }
  ctx.stdout.write(generate(completionSpec()));
  return 0;
};
