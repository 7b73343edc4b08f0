import { homedir } from 'node:os';
import { type StateDirs, stateDirs } from '../store/paths.js';
import type { CommandContext } from './context.js';

export const dirsFor = (ctx: Pick<CommandContext, 'env'>): StateDirs =>
  stateDirs({ platform: process.platform, env: ctx.env, home: ctx.env['HOME'] || homedir() });
