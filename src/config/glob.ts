import { globSync } from 'tinyglobby';

/** A glob import: re-expanded when the compiled configuration is checked, since new files may match. */
export interface GlobImport {
  cwd: string;
  pattern: string;
  matches: string[];
}

export function expandGlob(cwd: string, pattern: string): string[] {
  return globSync(pattern, { cwd, absolute: true, onlyFiles: true, dot: true }).sort();
}
