import { describe, expect, it } from 'vitest';
import { mergeSources } from '../../src/config/merge.js';
import { parseYaml, type YamlSource } from '../../src/config/read-yaml.js';

const source = (file: string, text: string): YamlSource => {
  const read = parseYaml(file, text);
  if (!read.ok) throw new Error(JSON.stringify(read.issues));
  return read.source;
};

describe('deep merge', () => {
  it('merges maps key by key and replaces scalars and lists, later sources winning', () => {
    const { value } = mergeSources([
      source('a', 'x: { keep: 1, over: 1, list: [1, 2], map: { deep: a } }\n'),
      source('b', 'x: { over: 2, list: [3], map: { other: b } }\n'),
    ]);
    expect(value).toEqual({ x: { keep: 1, over: 2, list: [3], map: { deep: 'a', other: 'b' } } });
  });

  it('keeps the origin of each value and forgets the origins of what was replaced', () => {
    const { origins } = mergeSources([
      source('a', 'x:\n  keep: 1\n  list: [1, 2]\n'),
      source('b', 'x:\n  list: [3]\n'),
    ]);
    expect(origins.get('/x/keep')).toEqual({ file: 'a', line: 2, column: 3 });
    expect(origins.get('/x/list')).toEqual({ file: 'b', line: 2, column: 3 });
    expect(origins.get('/x/list/0')).toEqual({ file: 'b', line: 2, column: 10 });
    expect(origins.has('/x/list/1')).toBe(false);
  });

  it('treats an empty key as setting nothing', () => {
    const { value } = mergeSources([source('a', 'x: { y: 1 }\n'), source('b', 'x:\n')]);
    expect(value).toEqual({ x: { y: 1 } });
  });

  it('replaces a map by a scalar and a scalar by a map', () => {
    const { value, origins } = mergeSources([
      source('a', 'm: { a: 1 }\ns: text\n'),
      source('b', 'm: flat\ns: { b: 2 }\n'),
    ]);
    expect(value).toEqual({ m: 'flat', s: { b: 2 } });
    expect(origins.has('/m/a')).toBe(false);
    expect(origins.get('/s/b')?.file).toBe('b');
  });

  it('does not let keys named like Object members leak into other objects', () => {
    const { value } = mergeSources([source('a', 'constructor: { a: 1 }\ntoString: 2\n')]);
    expect(value).toEqual({ constructor: { a: 1 }, toString: 2 });
    expect(({} as Record<string, unknown>)['a']).toBeUndefined();
  });
});

describe('reading YAML', () => {
  it('rejects __proto__ keys, which objects cannot hold as data', () => {
    const read = parseYaml('f.yaml', 'auth:\n  __proto__: { polluted: true }\n');
    expect(read.ok).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('applies YAML merge keys and anchors', () => {
    const read = parseYaml('f.yaml', 'base: &b { kind: aws/user, default: false }\nme:\n  <<: *b\n  default: true\n');
    expect(read.ok && read.source.value).toEqual({
      base: { kind: 'aws/user', default: false },
      me: { kind: 'aws/user', default: true },
    });
  });

  it('names every duplicate key with its line and column', () => {
    const read = parseYaml('f.yaml', 'a: 1\nb:\n  c: 1\n  c: 2\na: 3\n');
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.issues.map((issue) => [issue.at?.line, issue.at?.column, issue.message.split(':')[0]])).toEqual([
        [4, 3, 'duplicate key "c"'],
        [5, 1, 'duplicate key "a"'],
      ]);
    }
  });
});
