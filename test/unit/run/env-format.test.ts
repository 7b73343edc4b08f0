import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_FORMATS, type EnvFormat, formatEnv } from '../../../src/run/env-format.js';
import { Sandbox } from '../../support/cli.js';

const TRICKY_VALUES = ['a b', "it's", '"q"', '$HOME', '`x`', 'back\\slash', 'line1\nline2', 'ünïcödé', ''];
/** Shells also get what their own escapes could trip on: a final backslash, `\'`, PowerShell's other quotes. */
const SHELL_VALUES = [...TRICKY_VALUES, 'ends in a backslash\\', "\\'", 'it\u2019s \u201Ax\u201B', 'tab\there 😀'];

/** The first of `candidates` that runs, else undefined. */
const findShell = (...candidates: string[]): string | undefined =>
  candidates.find((shell) => spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0);

const bash = findShell('bash');
const fish = findShell('fish', '/usr/bin/fish');
const pwsh = findShell('pwsh');
if (!fish && !process.env['CI']) console.warn('skipping the fish round trips: fish is not installed');
if (!pwsh) console.warn('skipping the PowerShell round trips: pwsh is not installed');

/** Writes `formatEnv` output to a file and asks `shell` for NAME after reading it. */
const readBack = (format: EnvFormat, value: string, run: (file: string) => string): string => {
  const file = join(new Sandbox().home, format === 'powershell' ? 'env.ps1' : 'env');
  writeFileSync(file, formatEnv([['NAME', value]], format));
  return run(file);
};

const inBash = (file: string) =>
  execFileSync(bash!, ['--norc', '--noprofile', '-c', 'eval "$(cat "$ENV_FILE")"; printf %s "$NAME"'], {
    env: { PATH: process.env['PATH'], ENV_FILE: file },
    encoding: 'utf8',
  });

const inFish = (file: string) =>
  execFileSync(fish!, ['--no-config', '-c', 'source $ENV_FILE; printf %s $NAME'], {
    env: { PATH: process.env['PATH'], ENV_FILE: file },
    encoding: 'utf8',
  });

const inPowerShell = (file: string) =>
  execFileSync(pwsh!, ['-NoProfile', '-NonInteractive', '-Command', `. '${file}'; [Console]::Out.Write($Env:NAME)`], {
    encoding: 'utf8',
  });

describe('formatEnv', () => {
  it.each(SHELL_VALUES)('writes %j so that bash reads it back unchanged', (value) => {
    if (!bash) throw new Error('bash is not installed');
    expect(readBack('bash', value, inBash)).toBe(value);
  });

  it.skipIf(!fish && !process.env['CI']).each(SHELL_VALUES)(
    'writes %j so that fish reads it back unchanged',
    (value) => {
      if (!fish) throw new Error('fish is not installed: CI must provide it');
      expect(readBack('fish', value, inFish)).toBe(value);
    },
  );

  // PowerShell deletes a variable set to '', so the empty value reads back as nothing as well.
  it.skipIf(!pwsh).each(SHELL_VALUES)('writes %j so that PowerShell reads it back unchanged', (value) => {
    expect(readBack('powershell', value, inPowerShell)).toBe(value);
  });

  it('writes one line per variable in every shell format, each ending in a newline', () => {
    const vars = [
      ['A', '1'],
      ['B', '2'],
    ] as const;
    expect(formatEnv(vars, 'bash')).toBe("export A='1'\nexport B='2'\n");
    expect(formatEnv(vars, 'fish')).toBe("set -gx A '1';\nset -gx B '2';\n");
    expect(formatEnv(vars, 'powershell')).toBe("$Env:A = '1'\n$Env:B = '2'\n");
    expect(formatEnv(vars, 'dotenv')).toBe("A='1'\nB='2'\n");
  });

  it('escapes quotes the way each shell reads them', () => {
    expect(formatEnv([['V', "it's"]], 'bash')).toBe("export V='it'\\''s'\n");
    expect(formatEnv([['V', "it's \\"]], 'fish')).toBe("set -gx V 'it\\'s \\\\';\n");
    expect(formatEnv([['V', "it\u2019s o'k"]], 'powershell')).toBe("$Env:V = 'it\u2019\u2019s o''k'\n");
  });

  it('writes a JSON object with two-space indentation', () => {
    const text = formatEnv(
      [
        ['A', 'line1\nline2'],
        ['B', '"q"'],
      ],
      'json',
    );
    expect(text).toBe('{\n  "A": "line1\\nline2",\n  "B": "\\"q\\""\n}\n');
    expect(JSON.parse(text)).toEqual({ A: 'line1\nline2', B: '"q"' });
  });

  it('writes an empty JSON object when there is nothing to set', () => {
    expect(formatEnv([], 'json')).toBe('{}\n');
    expect(formatEnv([], 'bash')).toBe('');
  });

  it('refuses a name that no shell could set, whatever the format', () => {
    for (const format of ENV_FORMATS) {
      for (const name of ['', '1A', 'A-B', 'A B', 'A=B', 'Ä', "A'"]) {
        expect(
          () =>
            formatEnv(
              [
                ['OK', 'x'],
                [name, 'x'],
              ],
              format,
            ),
          `${format} ${name}`,
        ).toThrow(/not an environment variable name/);
      }
    }
  });
});

// No dotenv reader is installed, so these pin the exact text; the rules it follows are on dotenvValue.
describe('formatEnv for dotenv files', () => {
  it.each([
    ['a b', "V='a b'"],
    ['"q"', `V='"q"'`],
    ['$HOME', "V='$HOME'"],
    ['`x`', "V='`x`'"],
    ['back\\slash', "V='back\\slash'"],
    ['ünïcödé', "V='ünïcödé'"],
    ['# not a comment', "V='# not a comment'"],
    ['', "V=''"],
  ])('single-quotes %j, which both readers take literally', (value, line) => {
    expect(formatEnv([['V', value]], 'dotenv')).toBe(`${line}\n`);
  });

  it.each([
    ["it's", `V="it's"`],
    ['line1\nline2', 'V="line1\\nline2"'],
    ['crlf\r\n', 'V="crlf\\r\\n"'],
  ])('double-quotes %j, which holds a quote or a line break', (value, line) => {
    expect(formatEnv([['V', value]], 'dotenv')).toBe(`${line}\n`);
  });

  // A final backslash would escape compose's closing single quote; in double quotes the readers disagree on it.
  it.each(["it's $HOME", "it's \\n", 'line1\n"q"', 'ends in a backslash\\'])(
    'refuses %j, which has no spelling both readers take back unchanged',
    (value) => {
      expect(() => formatEnv([['V', value]], 'dotenv')).toThrow('the value of V cannot be written in dotenv format');
    },
  );
});
