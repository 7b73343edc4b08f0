import { describe, expect, it } from 'vitest';
import { shorthandToExec } from '../../src/cli/shorthand.js';

describe('shorthandToExec', () => {
  it('runs terraform through exec, its arguments in order', () => {
    expect(shorthandToExec(['terraform', 'plan', '-var', 'a=b', '-out=plan.bin'])).toEqual([
      'exec',
      '--',
      'terraform',
      'plan',
      '-var',
      'a=b',
      '-out=plan.bin',
    ]);
  });

  it("takes rolecall's own options from anywhere among the arguments", () => {
    expect(
      shorthandToExec(['tofu', 'apply', '--identity', 'prod/Admin', '-auto-approve', '--export-keys', '--no-color']),
    ).toEqual([
      '--no-color',
      'exec',
      '--identity',
      'prod/Admin',
      '--export-keys',
      '--',
      'tofu',
      'apply',
      '-auto-approve',
    ]);
  });

  it('accepts --identity=NAME and global options before the tool', () => {
    expect(shorthandToExec(['--config', 'x.yaml', 'terraform', '--identity=a b', 'init'])).toEqual([
      '--config',
      'x.yaml',
      'exec',
      '--identity=a b',
      '--',
      'terraform',
      'init',
    ]);
  });

  it('passes --help and everything after -- to the tool untouched', () => {
    expect(shorthandToExec(['terraform', '--help'])).toEqual(['exec', '--', 'terraform', '--help']);
    expect(shorthandToExec(['terraform', '--', 'console', '--identity', 'x'])).toEqual([
      'exec',
      '--',
      'terraform',
      'console',
      '--identity',
      'x',
    ]);
  });

  it('leaves other command lines as they are', () => {
    expect(shorthandToExec(['exec', '--', 'terraform'])).toEqual(['exec', '--', 'terraform']);
    expect(shorthandToExec(['list', 'terraform'])).toEqual(['list', 'terraform']);
    expect(shorthandToExec(['--identity', 'x', 'terraform'])).toEqual(['--identity', 'x', 'terraform']);
  });
});
