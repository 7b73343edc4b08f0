import { ExitCode, isRolecallError, RolecallError } from '../core/errors.js';

/** Where a value was written: a file and a 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem found in the configuration, pinned to the file and key it concerns where known. */
export interface ConfigIssue {
  severity: 'error' | 'warning';
  message: string;
  /** JSON pointer of the offending key in the assembled configuration. */
  pointer?: string;
  at?: SourcePosition;
  hint?: string;
  /** Said once, by the run that found it (a damaged file it set aside): not replayed from the compiled form. */
  once?: boolean;
}

/** `auth.identities["production/DeployerAccess"].session`: a key path as a person reads it. */
export function displayPath(pointer: string): string {
  return parsePointer(pointer)
    .map((segment, index) => {
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) return index === 0 ? segment : `.${segment}`;
      if (/^\d+$/.test(segment)) return `[${segment}]`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.at ? `${issue.at.file}:${issue.at.line}:${issue.at.column}: ` : '';
  const path = issue.pointer ? `${displayPath(issue.pointer)}: ` : '';
  const hint = issue.hint ? `\n  hint: ${issue.hint}` : '';
  return `${where}${path}${issue.message}${hint}`;
}

/** The configuration cannot be used; every issue is reported at once. Exit code 2. */
export class ConfigError extends RolecallError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const heading = errors.length === 1 ? 'invalid configuration' : `invalid configuration (${errors.length} errors)`;
    super('config.invalid', `${heading}:\n${errors.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`, {
      exitCode: ExitCode.usage,
      hint: 'fix the file named above, then run `rolecall validate`',
    });
    this.issues = issues;
  }
}

export const escapeSegment = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');
export const joinPointer = (parent: string, segment: string | number): string =>
  `${parent}/${escapeSegment(String(segment))}`;

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export const isConfigError = (error: unknown): error is ConfigError =>
  isRolecallError(error) && error.code === 'config.invalid' && Array.isArray((error as ConfigError).issues);
