import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ExitCode, RolecallError } from '../core/errors.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP'];

/**
 * Ctrl+C and Ctrl+\ on a terminal reach every process in its foreground group, the child included;
 * passing them on as well would give the child two (Terraform stops at once on a second Ctrl+C instead
 * of finishing gracefully). Without a terminal, such a signal was sent to rolecall alone.
 */
const reachesChildAnyway = (signal: NodeJS.Signals): boolean =>
  process.stdin.isTTY === true && (signal === 'SIGINT' || signal === 'SIGQUIT');

/**
 * Runs a command without a shell (its arguments reach it untouched), its stdio the terminal's, and
 * resolves with its exit code: its own, or 128 + the signal that ended it, as shells report. Signals
 * sent to rolecall are passed on, and rolecall waits for the child to end.
 */
export function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onStart?: (pid: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    child.once('spawn', () => {
      if (child.pid !== undefined) onStart?.(child.pid);
    });
    // Listening also keeps rolecall alive until the child ends, whatever signal arrives.
    const forward = (signal: NodeJS.Signals) => () => {
      if (!reachesChildAnyway(signal) && child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const listeners = SIGNALS.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, listener] of listeners) process.on(signal, listener);
    const stopForwarding = () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      const notFound = error.code === 'ENOENT';
      reject(
        new RolecallError(
          notFound ? 'exec.not-found' : 'exec.failed',
          notFound ? `command not found: ${command}` : `cannot run ${command}: ${error.code ?? error.message}`,
          {
            exitCode: notFound ? ExitCode.notFound : ExitCode.cannotRun,
            hint: notFound ? 'check the name, or give its full path' : 'check that it is an executable file',
            cause: error,
          },
        ),
      );
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
