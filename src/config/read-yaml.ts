import { readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type ConfigIssue, joinPointer, type SourcePosition } from './issues.js';
import { setOwn } from './merge.js';

export type Origins = Map<string, SourcePosition>;

/** One YAML file read into plain data, with the position of every key and list item. */
export interface YamlSource {
  file: string;
  value: unknown;
  origins: Origins;
}

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] };

function readText(file: string): string | ConfigIssue {
  try {
    return readFileSync(file, 'utf8');
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
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: false });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        severity: 'error',
        message: yamlMessage(error.code, error.message, text.slice(error.pos[0])),
        at: position(error.pos[0]),
      })),
    };
  }
  const origins: Origins = new Map();
  const toValue = (node: Node | null | undefined, pointer: string, depth: number): unknown => {
    if (!node) return null;
    if (depth > 64) throw new Error('nesting too deep');
    if (isAlias(node)) return toValue(node.resolve(doc) as Node | undefined, pointer, depth + 1);
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        if (key === '<<') {
          // A YAML merge key: the referenced map's entries fill in keys this map does not set.
          const merged = toValue(pair.value as Node, pointer, depth + 1);
          for (const source of Array.isArray(merged) ? merged : [merged]) {
            if (source && typeof source === 'object') {
              for (const [k, v] of Object.entries(source)) if (!Object.hasOwn(result, k)) setOwn(result, k, v);
            }
          }
          continue;
        }
        const childPointer = joinPointer(pointer, key);
        if (keyNode?.range) origins.set(childPointer, position(keyNode.range[0]));
        setOwn(result, key, toValue(pair.value as Node | null, childPointer, depth + 1));
      }
      return result;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const childPointer = joinPointer(pointer, index);
        const itemNode = item as Node | null;
        if (itemNode?.range) origins.set(childPointer, position(itemNode.range[0]));
        return toValue(itemNode, childPointer, depth + 1);
      });
    }
    return isScalar(node) ? node.value : null;
  };
  try {
    return { ok: true, source: { file, value: toValue(doc.contents as Node | null, '', 0), origins } };
  } catch {
    return { ok: false, issues: [{ severity: 'error', message: 'YAML nesting is too deep', at: position(0) }] };
  }
}

function yamlMessage(code: string, message: string, textAtError: string): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(textAtError)?.[0].trim();
    return `duplicate key ${JSON.stringify(key)}: a key may appear only once in a map; merge the two entries`;
  }
  return `malformed YAML: ${message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
}
