import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/store/atomic-write.js';

describe('atomic writes', () => {
  it('write a private file and sweep the temp files that killed writers left behind', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rolecall-atomic-'));
    const target = join(folder, 'data.yaml');
    // A pid far above any live one stands for a writer that was killed; this process is alive.
    writeFileSync(join(folder, 'data.yaml.999999999.0123456789ab.tmp'), 'torn');
    writeFileSync(join(folder, `data.yaml.${process.pid}.0123456789ab.tmp`), 'in progress');
    writeFileSync(join(folder, 'other.yaml.999999999.0123456789ab.tmp'), 'not ours');

    writeFileAtomic(target, 'complete');

    expect(readFileSync(target, 'utf8')).toBe('complete');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder).sort()).toEqual([
      'data.yaml',
      `data.yaml.${process.pid}.0123456789ab.tmp`,
      'other.yaml.999999999.0123456789ab.tmp',
    ]);
  });
});
