import { usageError } from '../../core/errors.js';
import { runChild } from '../../run/spawn-child.js';
import { type ChildOptions, prepareChild } from '../child-identity.js';
import type { CommandRun } from '../context.js';

/** Runs a command as the identity and exits with its exit code. */
export const run: CommandRun<ChildOptions> = async (ctx, options, operands) => {
  const [command, ...args] = operands;
  if (command === undefined) {
    throw usageError(
      'exec.no-command',
      'exec needs a command to run',
      'put it after --: rolecall exec --identity NAME -- aws sts get-caller-identity',
    );
  }
  const child = await prepareChild(ctx, options);
  try {
    return await runChild(command, args, child.env, child.started);
  } finally {
    child.remove();
  }
};
