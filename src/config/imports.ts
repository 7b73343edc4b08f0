import { dirname, isAbsolute, resolve } from 'node:path';
import { isDynamicPattern } from 'tinyglobby';
import type { ConfigFlavour } from './discover.js';
import { expandGlob, type GlobImport } from './glob.js';
import { type ConfigIssue, joinPointer } from './issues.js';
import { isPlainMap } from './merge.js';
import { readYamlFile, type YamlSource } from './read-yaml.js';

export interface ImportedSources {
  /** In merge order: every file after the files it imports. */
  sources: YamlSource[];
  atmosFiles: Set<string>;
  globs: GlobImport[];
  issues: ConfigIssue[];
}

/** Keeps only what rolecall reads from a file: an atmos.yaml contributes its `auth:` and `import:`. */
function relevantPart(source: YamlSource, flavour: ConfigFlavour): YamlSource {
  if (flavour === 'rolecall' || !isPlainMap(source.value)) return source;
  const { auth, import: imports } = source.value;
  return {
    ...source,
    value: { ...(auth === undefined ? {} : { auth }), ...(imports === undefined ? {} : { import: imports }) },
  };
}

/**
 * Reads a config file and, depth first, the files its `import:` list names (relative to the importing
 * file, globs allowed). Each file is read once; an import that leads back to a file being read is a cycle.
 */
export function readWithImports(file: string, flavour: ConfigFlavour): ImportedSources {
  const result: ImportedSources = { sources: [], atmosFiles: new Set(), globs: [], issues: [] };
  const done = new Set<string>();

  const visit = (path: string, stack: string[]): void => {
    if (stack.includes(path)) {
      const chain = [...stack.slice(stack.indexOf(path)), path].join(' -> ');
      result.issues.push({ severity: 'error', message: `import cycle: ${chain}`, hint: 'remove one of these imports' });
      return;
    }
    if (done.has(path)) return;
    done.add(path);
    const read = readYamlFile(path);
    if (!read.ok) {
      result.issues.push(...read.issues);
      return;
    }
    const source = relevantPart(read.source, flavour);
    if (flavour === 'atmos') result.atmosFiles.add(path);
    const imports = isPlainMap(source.value) ? source.value['import'] : undefined;
    if (imports !== undefined && !(Array.isArray(imports) && imports.every((item) => typeof item === 'string'))) {
      result.issues.push({
        severity: 'error',
        message: 'import must be a list of file paths or globs',
        at: source.origins.get('/import'),
        pointer: '/import',
      });
    } else {
      for (const [index, entry] of (imports ?? []).entries()) {
        const at = source.origins.get(joinPointer('/import', index));
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
          result.issues.push({
            severity: 'error',
            message: `remote import ${entry} is not supported`,
            at,
            hint: 'download the file and import it by path',
          });
          continue;
        }
        const cwd = dirname(path);
        if (isDynamicPattern(entry)) {
          const matches = expandGlob(cwd, entry);
          result.globs.push({ cwd, pattern: entry, matches });
          for (const match of matches) visit(match, [...stack, path]);
          continue;
        }
        const target = isAbsolute(entry) ? entry : resolve(cwd, entry);
        const before = result.issues.length;
        visit(target, [...stack, path]);
        // A missing or unreadable import is reported where it is named, not only by its path.
        for (const issue of result.issues.slice(before)) issue.at ??= at;
      }
    }
    // The list is consumed here; what is merged is the rest of the file.
    const { import: _consumed, ...rest } = isPlainMap(source.value) ? source.value : {};
    result.sources.push({ ...source, value: rest });
  };

  visit(file, []);
  return result;
}
