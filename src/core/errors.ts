/** Exit codes are part of the CLI contract (docs/commands.md). */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  auth: 3,
  /** `exec`: the command exists but cannot be run; it cannot be found (the shells' codes). */
  cannotRun: 126,
  notFound: 127,
  /** Ctrl+C, or Esc in a prompt: the shells' 128 + SIGINT. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const BRAND = Symbol.for('rolecall.error');

export const isRolecallError = (error: unknown): error is RolecallError =>
  typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;

/**
 * The one error type the CLI prints: a stable code, the exit code, a message a user can act on and
 * an optional hint (the next thing to run). Anything else reaching the top level is a bug.
 */
export class RolecallError extends Error {
  /**
   * Each lazily loaded bundle has its own copy of this class, so `instanceof` fails across bundles;
   * a registered symbol marks every copy's instances alike.
   */
  readonly [BRAND] = true;
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint?: string;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RolecallError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.runtime;
    this.hint = options.hint;
  }
}

export const usageError = (code: string, message: string, hint?: string): RolecallError =>
  new RolecallError(code, message, { exitCode: ExitCode.usage, hint });
