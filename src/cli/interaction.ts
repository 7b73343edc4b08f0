import { closeSync, openSync } from 'node:fs';
import { WriteStream } from 'node:tty';
import type { Interaction } from '../auth/interaction.js';
import { canOpenBrowser, openInBrowser } from './browser.js';
import type { CommandContext } from './context.js';

/**
 * Where prompts go: stderr on a terminal; else the terminal itself (`/dev/tty`), since a tool that
 * runs rolecall as `credential_process` captures stderr; else stderr all the same.
 */
function promptStream(ctx: CommandContext): { write(text: string): unknown } {
  if (ctx.stderr.isTTY) return ctx.stderr;
  try {
    return new WriteStream(openSync('/dev/tty', 'w'));
  } catch {
    return ctx.stderr;
  }
}

/**
 * The person at this terminal, if there is a terminal: a process that AWS tools run in the background
 * (`credential_process` in CI) has nobody to show a sign-in code to, and should fail at once instead.
 */
export function personAtTerminal(ctx: CommandContext): Interaction | undefined {
  if (ctx.stderr.isTTY) return terminalInteraction(ctx);
  try {
    closeSync(openSync('/dev/tty', 'w'));
  } catch {
    return undefined;
  }
  return terminalInteraction(ctx);
}

/** The person at this terminal, as the login flows see them. */
export function terminalInteraction(ctx: CommandContext): Interaction {
  const stream = promptStream(ctx);
  const browserEnv = { env: ctx.env, platform: process.platform };
  let interrupted: Promise<void> | undefined;
  return {
    show: (message) => stream.write(`${message}\n`),
    canOpenBrowser: canOpenBrowser(browserEnv),
    openUrl: (url) => openInBrowser(url, browserEnv),
    // Listening only once a flow asks: a command that goes on to run a child (exec) must leave Ctrl+C to it.
    get interrupted() {
      interrupted ??= listenForInterrupt();
      return interrupted;
    },
  };
}

/**
 * Persistent listeners, not `once`: a library's exit hook that sees no other listener left would
 * re-raise the signal and kill the process before the flow can end it cleanly. A flow that is waiting
 * ends at once (exit 3); anything else (say, waiting for another process's login) gets a moment, then
 * the process ends as an interrupted one does.
 */
const listenForInterrupt = () =>
  new Promise<void>((resolve) => {
    const interrupt = () => {
      resolve();
      setTimeout(() => process.exit(130), 2_000).unref();
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
  });
