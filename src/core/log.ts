import type { LogLevel } from '../cli/context.js';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Shapes of AWS secrets: access key ids, and long opaque runs of token alphabet with letters and
 * digits mixed (tokens, secret keys, session tokens). Path separators end a run, so file paths stay
 * readable, and a run of lowercase hex alone (a hashed file name) is not taken for a secret. Whatever
 * the logger prints passes through this and through the secrets registered at run time, so a secret
 * that slips into a message is still not shown. Runs are found first and judged whole: lookaheads
 * from every position would make a long line take seconds.
 */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const TOKEN_RUN = /[A-Za-z0-9+=_-]{32,}/g;
const looksSecret = (run: string): boolean => /\d/.test(run) && /[A-Za-z]/.test(run) && !/^[0-9a-f]+$/.test(run);
const knownSecrets = new Set<string>();

/** Makes every later log line hide this exact value, whatever its shape. */
export function registerSecret(value: string): void {
  if (value.length >= 8) knownSecrets.add(value);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of knownSecrets) result = result.replaceAll(secret, '[redacted]');
  return result
    .replace(ACCESS_KEY_ID, '[redacted]')
    .replace(TOKEN_RUN, (run) => (looksSecret(run) ? '[redacted]' : run));
}

export interface Logger {
  level: LogLevel;
  /** Changes the level, e.g. to the configured one once the configuration is read. */
  setLevel(level: LogLevel): void;
  enabled(level: LogLevel): boolean;
  /** Runs before each line is written (a progress line wipes itself), until set to undefined. */
  setBeforeWrite(hook: (() => void) | undefined): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A levelled logger that writes redacted lines to one stream (stderr: stdout is for machines). */
export function createLogger(initial: LogLevel, stream: { write(text: string): unknown }): Logger {
  let level = initial;
  let beforeWrite: (() => void) | undefined;
  const enabled = (at: LogLevel): boolean => LEVELS[at] >= LEVELS[level];
  const emit =
    (at: LogLevel, prefix: string) =>
    (message: string): void => {
      if (!enabled(at)) return;
      beforeWrite?.();
      stream.write(`${prefix}${redact(message)}\n`);
    };
  return {
    get level() {
      return level;
    },
    setLevel(next: LogLevel) {
      level = next;
    },
    enabled,
    setBeforeWrite(hook) {
      beforeWrite = hook;
    },
    debug: emit('debug', 'debug: '),
    info: emit('info', ''),
    warn: emit('warn', 'warning: '),
    error: emit('error', 'error: '),
  };
}

export const isLogLevel = (value: string): value is LogLevel => value in LEVELS;
