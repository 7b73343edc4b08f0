import { homedir } from 'node:os';
import { systemClock } from '../auth/interaction.js';
import type { SessionDeps } from '../auth/providers/aws-sso/session.js';
import type { RolecallConfig } from '../config/schema.js';
import { openSecureStore } from '../store/secure-store.js';
import type { CommandContext } from './context.js';
import { dirsFor } from './dirs.js';

/** What the SSO session code needs, from the command's context and the configured keyring. */
export async function sessionDeps(ctx: CommandContext, config: RolecallConfig): Promise<SessionDeps> {
  const dirs = dirsFor(ctx);
  const store = await openSecureStore({ type: config.auth?.keyring?.type ?? 'auto', dirs, log: ctx.log, env: ctx.env });
  return { store, dirs, clock: systemClock, env: ctx.env, home: ctx.env['HOME'] || homedir(), log: ctx.log };
}
