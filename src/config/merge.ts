import { joinPointer } from './issues.js';
import type { Origins, YamlSource } from './read-yaml.js';

export type PlainMap = Record<string, unknown>;

export const isPlainMap = (value: unknown): value is PlainMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Calls `visit` with the pointer of every key and list item below `value`. */
function forEachPointer(value: unknown, pointer: string, visit: (pointer: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const child = joinPointer(pointer, index);
      visit(child);
      forEachPointer(item, child, visit);
    });
  } else if (isPlainMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      const child = joinPointer(pointer, key);
      visit(child);
      forEachPointer(item, child, visit);
    }
  }
}

/**
 * Deep-merges sources in order: maps merge key by key, scalars and lists are replaced by the later
 * source; a key left empty (`identities:`) sets nothing. Each value keeps the position it was written at, so a replaced value takes the origins of
 * its replacement and drops those of what it replaced.
 */
export function mergeSources(sources: readonly YamlSource[]): { value: PlainMap; origins: Origins } {
  const value: PlainMap = {};
  const origins: Origins = new Map();

  const mergeInto = (target: PlainMap, source: PlainMap, pointer: string, sourceOrigins: Origins): void => {
    for (const [key, incoming] of Object.entries(source)) {
      // `key:` with nothing after it reads as null in YAML; people mean "nothing to add".
      if (incoming === null) continue;
      const child = joinPointer(pointer, key);
      const existing = Object.hasOwn(target, key) ? target[key] : undefined;
      if (existing !== undefined && !(isPlainMap(existing) && isPlainMap(incoming))) {
        forEachPointer(existing, child, (p) => origins.delete(p));
        delete target[key];
      }
      const at = sourceOrigins.get(child);
      if (at && !Object.hasOwn(target, key)) origins.set(child, at);
      if (isPlainMap(incoming)) {
        let map = isPlainMap(existing) ? existing : undefined;
        if (!map) {
          map = {};
          target[key] = map;
        }
        mergeInto(map, incoming, child, sourceOrigins);
        continue;
      }
      target[key] = structuredClone(incoming);
      forEachPointer(incoming, child, (p) => {
        const position = sourceOrigins.get(p);
        if (position) origins.set(p, position);
      });
    }
  };

  for (const source of sources) {
    if (isPlainMap(source.value)) mergeInto(value, source.value, '', source.origins);
  }
  return { value, origins };
}
