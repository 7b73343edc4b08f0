/** How `formatEnv` writes variables: for a shell to evaluate, for a `.env` file, or as data. */
export type EnvFormat = 'bash' | 'fish' | 'powershell' | 'dotenv' | 'json';

export const ENV_FORMATS: readonly EnvFormat[] = ['bash', 'fish', 'powershell', 'dotenv', 'json'];

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Text that sets `vars` when evaluated or read in `format`, one variable per line, ending in a
 * newline, after removing the variables named in `unset` (shells only: a `.env` file or JSON only
 * sets). Every value is written literally: no shell or reader expands `$`, backticks or backslashes
 * in it.
 */
export function formatEnv(
  vars: ReadonlyArray<readonly [name: string, value: string]>,
  format: EnvFormat,
  unset: readonly string[] = [],
): string {
  for (const name of [...vars.map(([name]) => name), ...unset]) {
    if (!VARIABLE_NAME.test(name)) throw new Error(`not an environment variable name: ${JSON.stringify(name)}`);
  }
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(vars), null, 2)}\n`;
  const removals = format === 'dotenv' ? [] : unset.map((name) => `${UNSET[format](name)}\n`);
  return removals.join('') + vars.map(([name, value]) => `${LINE[format](name, value)}\n`).join('');
}

const UNSET: Record<'bash' | 'fish' | 'powershell', (name: string) => string> = {
  bash: (name) => `unset ${name}`,
  // `set -e` of an unset variable fails quietly; nothing chains on its status.
  fish: (name) => `set -e ${name};`,
  powershell: (name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue`,
};

const LINE: Record<Exclude<EnvFormat, 'json'>, (name: string, value: string) => string> = {
  // POSIX single quotes keep everything literal; a quote is closed, escaped and reopened.
  bash: (name, value) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`,
  // Inside fish single quotes `\\` and `\'` are the only escapes, so both get a backslash.
  fish: (name, value) => `set -gx ${name} '${value.replace(/[\\']/g, '\\$&')}';`,
  // PowerShell ends a single-quoted string at any of its four single quotes, and reads each doubled as one.
  powershell: (name, value) => `$Env:${name} = '${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`,
  dotenv: (name, value) => `${name}=${dotenvValue(name, value)}`,
};

/**
 * The `dotenv` npm package and docker compose disagree inside double quotes: both turn `\n` and
 * `\r` into line breaks, but compose also expands `$VAR` and removes backslashes before other
 * characters, while `dotenv` keeps them. Single quotes are literal in both, so they are used
 * unless the value holds a quote or a line break, or ends in a backslash (compose reads `\'` as
 * an escaped quote). Such a value is double-quoted when it holds none of `"`, `$` and `\`, with
 * line breaks written `\n` and `\r`; any other value has no spelling both read back, so it is
 * refused rather than written wrong.
 */
function dotenvValue(name: string, value: string): string {
  if (!/['\r\n]|\\$/.test(value)) return `'${value}'`;
  if (!/["$\\]/.test(value)) return `"${value.replaceAll('\n', '\\n').replaceAll('\r', '\\r')}"`;
  throw new Error(`the value of ${name} cannot be written in dotenv format: it mixes quotes, line breaks, $ or \\`);
}
