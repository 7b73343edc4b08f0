import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type ConfigIssue, joinPointer, type SourcePosition } from './issues.js';

export type Origins = Map<string, SourcePosition>;

/** One YAML file read into plain data, with the position of every key and list item. */
export interface YamlSource {
  file: string;
  value: unknown;
  origins: Origins;
}

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] };

const MAX_DEPTH = 64;
/** Far beyond any real configuration, far below what exhausts memory. */
const MAX_ALIAS_VALUES = 100_000;
/** A config file is text a person or rolecall wrote; 5,000 provisioned identities take about 1 MB. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

class YamlTooBig extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * The file's text. Only regular files are read, and only up to a size: a path to a device or a FIFO
 * (`import: [/dev/zero]`) would otherwise fill memory or wait forever.
 */
function readText(file: string): string | ConfigIssue {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { severity: 'error', message: `${file}: is a folder, not a file` };
    if (!stats.isFile()) return { severity: 'error', message: `${file}: is not a regular file` };
    if (stats.size > MAX_FILE_BYTES) {
      return { severity: 'error', message: `${file}: is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
    }
    return readFileSync(fd, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a folder, not a file'
            : `cannot be read (${code ?? String(error)})`;
    return { severity: 'error', message: `${file}: ${reason}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads a YAML file with positions. Malformed YAML and duplicate keys are errors that name the line
 * and column; the file is never half-read.
 */
export function readYamlFile(file: string): ReadResult {
  const text = readText(file);
  if (typeof text !== 'string') return { ok: false, issues: [text] };
  return parseYaml(file, text);
}

export function parseYaml(file: string, text: string): ReadResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are found in the walk below: the parser's own check is quadratic in a map's size,
  // seconds for a provisioned file with thousands of identities.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, prettyErrors: false });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        severity: 'error',
        message: `malformed YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        at: position(error.pos[0]),
      })),
    };
  }
  const origins: Origins = new Map();
  const keyIssues: ConfigIssue[] = [];
  // Aliases of aliases multiply (a "billion laughs" file): values built from aliases are counted.
  let fromAliases = 0;
  const toValue = (node: Node | null | undefined, pointer: string, depth: number, viaAlias = false): unknown => {
    if (!node) return null;
    if (depth > MAX_DEPTH) throw new YamlTooBig('YAML nesting is too deep', 0);
    if (viaAlias && ++fromAliases > MAX_ALIAS_VALUES) {
      throw new YamlTooBig('YAML aliases expand to too many values', node.range?.[0] ?? 0);
    }
    if (isAlias(node)) return toValue(node.resolve(doc) as Node | undefined, pointer, depth + 1, true);
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      const written = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        // With merge keys on, the parser gives `<<` a symbol for its value.
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // A YAML merge key: the referenced map's entries fill in keys this map does not set.
          const merged = toValue(pair.value as Node, pointer, depth + 1, viaAlias);
          for (const source of Array.isArray(merged) ? merged : [merged]) {
            if (source && typeof source === 'object') {
              for (const [k, v] of Object.entries(source)) if (!Object.hasOwn(result, k)) result[k] = v;
            }
          }
          continue;
        }
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const childPointer = joinPointer(pointer, key);
        const at = keyNode?.range ? position(keyNode.range[0]) : undefined;
        if (key === '__proto__') {
          // JavaScript objects cannot hold this key as data; no provider or identity needs it.
          keyIssues.push({ severity: 'error', message: 'the key __proto__ is reserved; choose another name', at });
          continue;
        }
        if (written.has(key)) {
          keyIssues.push({
            severity: 'error',
            message: `duplicate key ${JSON.stringify(key)}: a key may appear only once in a map; merge the two entries`,
            at,
          });
        }
        written.add(key);
        if (at) origins.set(childPointer, at);
        result[key] = toValue(pair.value as Node | null, childPointer, depth + 1, viaAlias);
      }
      return result;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const childPointer = joinPointer(pointer, index);
        const itemNode = item as Node | null;
        if (itemNode?.range) origins.set(childPointer, position(itemNode.range[0]));
        return toValue(itemNode, childPointer, depth + 1, viaAlias);
      });
    }
    return isScalar(node) ? node.value : null;
  };
  try {
    const value = toValue(doc.contents as Node | null, '', 0);
    return keyIssues.length ? { ok: false, issues: keyIssues } : { ok: true, source: { file, value, origins } };
  } catch (error) {
    if (!(error instanceof YamlTooBig)) throw error;
    return { ok: false, issues: [{ severity: 'error', message: error.message, at: position(error.offset) }] };
  }
}
