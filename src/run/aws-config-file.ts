/**
 * The text of rolecall's profiles in an AWS config file, read by three parsers at once: botocore
 * (AWS CLI, boto3: Python's configparser, then `shlex.split` for `credential_process`), the AWS SDK
 * for JS (its own INI parser, then `child_process.exec`, a shell) and a shell.
 */

/** Characters both SDKs accept in `[profile NAME]` and in `AWS_PROFILE`. */
const PROFILE_NAME = /^[A-Za-z0-9_\-./@+]+$/;

/** The JS SDK refuses a whole file that defines this profile, to protect its object prototypes. */
const PROTOTYPE_KEY = '__proto__';

/**
 * A profile name for an identity: accents dropped, other characters outside `A-Za-z0-9_-./@+`
 * replaced by `-` per run, never empty.
 */
export function profileName(identity: string): string {
  const name = identity
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // `é` decomposes to `e` and a combining accent: keep the letter.
    .replace(/[^A-Za-z0-9_\-./@+]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name === '') return 'identity';
  return name === PROTOTYPE_KEY ? `${name}-identity` : name;
}

/**
 * Identity → profile name, unique also ignoring case, so that no two profiles differ only in a
 * way a reader easily misses. The first identity with a name keeps it and later ones get `-2`,
 * `-3`..., skipping names that another identity has of its own.
 */
export function uniqueProfileNames(identities: string[]): Map<string, string> {
  const distinct = [...new Set(identities)];
  const bases = distinct.map(profileName);
  const taken = new Set<string>();
  const owners = new Set(
    bases.flatMap((base, index) => {
      if (taken.has(base.toLowerCase())) return [];
      taken.add(base.toLowerCase());
      return [index];
    }),
  );
  return new Map(
    distinct.map((identity, index) => {
      const base = bases[index]!;
      if (owners.has(index)) return [identity, base];
      let suffix = 2;
      while (taken.has(`${base}-${suffix}`.toLowerCase())) suffix++;
      taken.add(`${base}-${suffix}`.toLowerCase());
      return [identity, `${base}-${suffix}`];
    }),
  );
}

/** Arguments every reader takes as one word as they are. */
const BARE_ARGUMENT = /^[A-Za-z0-9_./@%+=:,-]+$/;

/** Words a POSIX shell (or bash as `sh`) reads as syntax when they come first. */
const RESERVED_WORDS = new Set(
  'case coproc do done elif else esac fi for function if in select then time until while'.split(' '),
);

/** The JS SDK cuts an INI line at a `#` or `;` that follows whitespace (`/(^|\s)[;#]/`). */
const startsComment = (argument: string, index: number): boolean =>
  (argument[index] === '#' || argument[index] === ';') && index > 0 && /\s/.test(argument[index - 1]!);

/**
 * One command line for `credential_process` that reads back as exactly `argv`. On POSIX it is
 * split by `/bin/sh` (the JS SDK runs it with `exec`) and by `shlex.split` (botocore): single
 * quotes, with a `'`, and a `#` or `;` after whitespace, written outside them as `\'`, `\#`, `\;`
 * so the JS SDK's INI parser keeps the whole line.
 *
 * On win32 it is best effort. botocore splits with the rules of the C runtime (as does a Node
 * child), which read `\"` as a quote and backslashes literally unless they precede one; `"` is
 * escaped so and not doubled, because botocore reads `""` as an empty quoted string. The JS SDK
 * runs the line through `cmd.exe`, which still expands `%VAR%` and, after a `"` inside an
 * argument, reads `& | < > ^` as syntax.
 */
export function quoteCommand(argv: string[], platform: NodeJS.Platform): string {
  for (const argument of argv) {
    if (/[\r\n\0]/.test(argument)) {
      throw new Error(`a credential_process argument cannot hold a line break or NUL: ${JSON.stringify(argument)}`);
    }
  }
  if (platform === 'win32') return argv.map(quoteWindowsArgument).join(' ');
  return argv.map((argument, index) => quotePosixArgument(argument, index === 0)).join(' ');
}

function quotePosixArgument(argument: string, isCommand: boolean): string {
  // A first word like `A=b` would be an assignment, and `if` would be syntax, not a command.
  const readAsSyntax = isCommand && (argument.includes('=') || RESERVED_WORDS.has(argument));
  if (BARE_ARGUMENT.test(argument) && !readAsSyntax) return argument;
  return quoteInPieces(
    argument,
    (index) => argument[index] === "'" || startsComment(argument, index),
    (character) => `\\${character}`,
    (text) => `'${text}'`,
  );
}

function quoteWindowsArgument(argument: string): string {
  if (BARE_ARGUMENT.test(argument)) return argument;
  return quoteInPieces(
    argument,
    (index) => startsComment(argument, index),
    (character) => character,
    // Backslashes are doubled where they precede a quote, the closing one included.
    (text) => `"${text.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`,
  );
}

/**
 * `argument` as quoted runs, with the characters that must stay outside quotes written between
 * them; an empty argument is one empty quoted run.
 */
function quoteInPieces(
  argument: string,
  staysOutside: (index: number) => boolean,
  writeOutside: (character: string) => string,
  quote: (text: string) => string,
): string {
  let line = '';
  let run: string | undefined = argument === '' ? '' : undefined;
  for (let index = 0; index < argument.length; index++) {
    const character = argument[index]!;
    if (!staysOutside(index)) {
      run = (run ?? '') + character;
      continue;
    }
    if (run !== undefined) line += quote(run);
    run = undefined;
    line += writeOutside(character);
  }
  return run === undefined ? line : line + quote(run);
}

export interface ProfileEntry {
  name: string;
  region?: string;
  /** A command line as `quoteCommand` writes it. */
  credentialProcess: string;
  /** Free text written as `#` lines above the section. */
  comment?: string;
}

/** `[profile NAME]` sections, a blank line apart. */
export function renderProfiles(entries: ProfileEntry[]): string {
  const names = new Set<string>();
  for (const { name } of entries) {
    if (!PROFILE_NAME.test(name) || name === PROTOTYPE_KEY) {
      throw new Error(`not a profile name: ${JSON.stringify(name)}`);
    }
    // botocore refuses a whole file that has two sections of the same name.
    if (names.has(name)) throw new Error(`profile ${name} is defined twice`);
    names.add(name);
  }
  return entries.map(renderProfile).join('\n');
}

function renderProfile({ name, region, credentialProcess, comment }: ProfileEntry): string {
  const lines = comment === undefined ? [] : comment.split(/\r\n|\r|\n/).map((line) => `# ${line}`.trimEnd());
  lines.push(`[profile ${name}]`, `credential_process = ${iniValue('credential_process', credentialProcess)}`);
  if (region !== undefined) lines.push(`region = ${iniValue('region', region)}`);
  return `${lines.join('\n')}\n`;
}

/** `value`, if every parser reads it back whole. */
function iniValue(key: string, value: string): string {
  if (/[\r\n\0]/.test(value) || /(^|\s)[;#]/.test(value) || value.trim() !== value || value === '') {
    throw new Error(`${key} would not read back from an AWS config file: ${JSON.stringify(value)}`);
  }
  return value;
}

export const BLOCK_BEGIN = '# >>> rolecall (generated by `rolecall aws-config`; edits inside are replaced) >>>';
export const BLOCK_END = '# <<< rolecall <<<';

/** Begin markers are recognised by this start, so a later wording of the marker still finds older blocks. */
const BEGIN_PREFIX = '# >>> rolecall';

interface BlockSpan {
  /** Offset of the begin marker line. */
  start: number;
  /** Offset just past the end marker line and its line break. */
  end: number;
}

/** Where rolecall's block is in `text`, if it has one; throws if the markers do not pair up. */
function locateBlock(text: string): BlockSpan | undefined {
  let begin: { offset: number; line: number } | undefined;
  let span: BlockSpan | undefined;
  for (let offset = 0, line = 1; offset < text.length; line++) {
    const next = text.indexOf('\n', offset) + 1 || text.length;
    const content = text.slice(offset, next).trim();
    if (content.startsWith(BEGIN_PREFIX)) {
      if (begin) throw new Error(`a second rolecall begin marker at line ${line} (the first is at line ${begin.line})`);
      begin = { offset, line };
    } else if (content === BLOCK_END) {
      if (!begin || span) throw new Error(`an unmatched rolecall end marker at line ${line}`);
      span = { start: begin.offset, end: next };
    }
    offset = next;
  }
  if (begin && !span) {
    throw new Error(`the rolecall block that begins at line ${begin.line} has no end marker (${BLOCK_END})`);
  }
  return span;
}

/**
 * `existing` with rolecall's block replaced by `block`, or with it appended after a blank line.
 * Every byte outside the markers is kept, so the user's own profiles and comments survive.
 */
export function replaceManagedBlock(existing: string | undefined, block: string): string {
  const body = block === '' || block.endsWith('\n') ? block : `${block}\n`;
  const wrapped = `${BLOCK_BEGIN}\n${body}${BLOCK_END}\n`;
  const text = existing ?? '';
  const span = locateBlock(text);
  if (span) return text.slice(0, span.start) + wrapped + text.slice(span.end);
  if (text === '' || /(\r?\n){2}$/.test(text)) return text + wrapped;
  return text + (text.endsWith('\n') ? '\n' : '\n\n') + wrapped;
}

/**
 * The profiles (`[profile X]`, and `[default]` as `default`) that `existing` defines outside
 * rolecall's block. A generated profile must not repeat one: botocore refuses a file with two
 * sections of the same name (configparser's DuplicateSectionError), so the AWS CLI would stop
 * reading it at all, while the JS SDK merges them silently.
 */
export function profilesOutsideBlock(existing: string): Set<string> {
  const span = locateBlock(existing);
  const outside = span ? existing.slice(0, span.start) + existing.slice(span.end) : existing;
  const names = new Set<string>();
  for (const line of outside.split(/\r?\n/)) {
    // Both parsers allow a comment after a section header.
    const header = /^\[(.*)\]$/.exec(line.split(/(^|\s)[;#]/)[0]!.trim())?.[1];
    if (header === 'default') names.add('default');
    const profile = header && /^profile\s+(["']?)(.+)\1$/.exec(header)?.[2];
    if (profile) names.add(profile);
  }
  return names;
}
