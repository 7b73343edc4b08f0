import { Document, isMap, isScalar, isSeq, type Node, stringify } from 'yaml';
import { joinPointer } from '../../config/issues.js';

/** Plain data as YAML (its own bundle: only the commands that print YAML load the parser). */
export const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

/**
 * YAML with a trailing comment on each scalar naming where its value was written,
 * e.g. `duration: 12h # rolecall.yaml:7:9`.
 */
export function toYamlWithComments(value: unknown, commentFor: (pointer: string) => string | undefined): string {
  const doc = new Document(value);
  const walk = (node: Node | null | undefined, pointer: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = joinPointer(pointer, key);
        const comment = commentFor(child);
        const target = pair.value as Node | null;
        if (comment && isScalar(target)) target.comment = ` ${comment}`;
        walk(target, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const child = joinPointer(pointer, index);
        const comment = commentFor(child);
        if (comment && isScalar(item)) item.comment = ` ${comment}`;
        walk(item as Node, child);
      });
    }
  };
  walk(doc.contents as Node, '');
  return doc.toString({ lineWidth: 0 });
}
