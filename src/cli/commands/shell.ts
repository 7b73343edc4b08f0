import { runChild } from '../../run/spawn-child.js';
import { type ChildOptions, prepareChild } from '../child-identity.js';
import type { CommandRun } from '../context.js';

/** Starts `$SHELL` as the identity; its exit code is rolecall's. */
export const run: CommandRun<Pick<ChildOptions, 'identity'>> = async (ctx, options) => {
  const shell = ctx.env['SHELL'] || '/bin/sh';
  const child = await prepareChild(ctx, options);
  ctx.stderr.write(`Starting ${shell} as ${child.resolved.name}; exit it to return.\n`);
  try {
    return await runChild(shell, [], child.env, child.started);
  } finally {
    child.remove();
  }
};
