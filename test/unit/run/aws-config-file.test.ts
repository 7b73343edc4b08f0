import { describe, expect, it } from 'vitest';
import {
  BLOCK_BEGIN,
  BLOCK_END,
  profileName,
  profilesOutsideBlock,
  quoteCommand,
  renderProfiles,
  replaceManagedBlock,
  uniqueProfileNames,
} from '../../../src/run/aws-config-file.js';

describe('profileName', () => {
  it.each([
    ['sandbox/PowerUserAccess', 'sandbox/PowerUserAccess'],
    ['My Account (123456789012)/Admin', 'My-Account-123456789012-/Admin'],
    ['me@example.com+ops.v2_x', 'me@example.com+ops.v2_x'],
    ['Ünïcödé Café/Ädmin', 'Unicode-Cafe/Admin'],
    ['日本/Admin', '/Admin'],
    ['  #;$`"\'  ', 'identity'],
    ['', 'identity'],
    ['--a--', 'a'],
    ['__proto__', '__proto__-identity'],
  ])('turns %j into %j', (identity, name) => {
    expect(profileName(identity)).toBe(name);
  });
});

describe('uniqueProfileNames', () => {
  it('keeps names that are already distinct', () => {
    expect([...uniqueProfileNames(['prod/Admin', 'dev/Admin']).entries()]).toEqual([
      ['prod/Admin', 'prod/Admin'],
      ['dev/Admin', 'dev/Admin'],
    ]);
  });

  it('numbers names that collide, also only by case, in input order', () => {
    expect([...uniqueProfileNames(['a b', 'a:b', 'A B', 'a-b']).values()]).toEqual(['a-b', 'a-b-2', 'A-B-3', 'a-b-4']);
  });

  it('never takes a name that another identity has of its own', () => {
    expect([...uniqueProfileNames(['x y', 'x-y', 'x-y-2']).values()]).toEqual(['x-y', 'x-y-3', 'x-y-2']);
  });

  it('gives the same answer for the same input', () => {
    const identities = ['b b', 'b-b', 'a', 'A', 'B-B'];
    expect([...uniqueProfileNames(identities)]).toEqual([...uniqueProfileNames(identities)]);
  });
});

describe('quoteCommand', () => {
  it('leaves plain arguments bare', () => {
    expect(quoteCommand(['/usr/bin/rolecall', 'credential-process', '--identity=prod/Admin@x,y:z%+'], 'linux')).toBe(
      '/usr/bin/rolecall credential-process --identity=prod/Admin@x,y:z%+',
    );
  });

  it('single-quotes the rest, with a quote written outside', () => {
    expect(quoteCommand(['rolecall', 'a b', "it's", '', '$HOME'], 'darwin')).toBe(
      `rolecall 'a b' 'it'\\''s' '' '$HOME'`,
    );
  });

  it('writes a # or ; that follows whitespace outside the quotes, so no whitespace precedes it', () => {
    expect(quoteCommand(['rolecall', 'a #b', 'x ;y', 'a#b', '#a', 'a\t#'], 'linux')).toBe(
      `rolecall 'a '\\#'b' 'x '\\;'y' 'a#b' '#a' 'a\t'\\#`,
    );
  });

  it('quotes a command word that the shell would read as an assignment or as syntax', () => {
    expect(quoteCommand(['A=b', 'A=b'], 'linux')).toBe(`'A=b' A=b`);
    expect(quoteCommand(['if', 'then'], 'linux')).toBe(`'if' then`);
  });

  it('uses double quotes on Windows, escaping quotes and the backslashes before them', () => {
    expect(
      quoteCommand(['C:\\Program Files\\rolecall.exe', 'say "hi"', 'dir\\', 'a\\"b', '', 'a #b', 'plain'], 'win32'),
    ).toBe(`"C:\\Program Files\\rolecall.exe" "say \\"hi\\"" "dir\\\\" "a\\\\\\"b" "" "a "#"b" plain`);
  });

  it.each(['line\nbreak', 'carriage\rreturn', 'nul\0'])('refuses %j, which cannot live in an INI value', (argument) => {
    expect(() => quoteCommand(['rolecall', argument], 'linux')).toThrow(/line break or NUL/);
    expect(() => quoteCommand(['rolecall', argument], 'win32')).toThrow(/line break or NUL/);
  });
});

describe('renderProfiles', () => {
  it('writes a section per profile with its comment, a blank line apart', () => {
    const text = renderProfiles([
      { name: 'prod/Admin', region: 'us-east-1', credentialProcess: 'rolecall credential-process', comment: 'prod' },
      { name: 'dev', credentialProcess: "rolecall 'a b'" },
    ]);
    expect(text).toBe(
      [
        '# prod',
        '[profile prod/Admin]',
        'credential_process = rolecall credential-process',
        'region = us-east-1',
        '',
        '[profile dev]',
        "credential_process = rolecall 'a b'",
        '',
      ].join('\n'),
    );
  });

  it('writes a comment of several lines as several comment lines', () => {
    expect(renderProfiles([{ name: 'p', credentialProcess: 'x', comment: 'one\r\ntwo\n\nthree' }])).toBe(
      '# one\n# two\n#\n# three\n[profile p]\ncredential_process = x\n',
    );
  });

  it('writes nothing for no profiles', () => {
    expect(renderProfiles([])).toBe('');
  });

  it.each(['', 'a b', 'a#b', '__proto__', 'a]b'])('refuses the profile name %j', (name) => {
    expect(() => renderProfiles([{ name, credentialProcess: 'x' }])).toThrow(/not a profile name/);
  });

  it('refuses two profiles of the same name', () => {
    expect(() =>
      renderProfiles([
        { name: 'a', credentialProcess: 'x' },
        { name: 'a', credentialProcess: 'y' },
      ]),
    ).toThrow('profile a is defined twice');
  });

  it.each(['x\ny', 'x #y', 'x ;y', ' x', ''])('refuses a value that a parser would cut short: %j', (value) => {
    expect(() => renderProfiles([{ name: 'a', credentialProcess: value }])).toThrow(/would not read back/);
    expect(() => renderProfiles([{ name: 'a', credentialProcess: 'x', region: value }])).toThrow(/would not read back/);
  });
});

const block = (body: string) => `${BLOCK_BEGIN}\n${body}${BLOCK_END}\n`;

describe('replaceManagedBlock', () => {
  it('writes only the block to a new file', () => {
    expect(replaceManagedBlock(undefined, '[profile a]\n')).toBe(block('[profile a]\n'));
    expect(replaceManagedBlock('', '[profile a]')).toBe(block('[profile a]\n'));
  });

  it.each([
    ['[default]\nregion = eu-west-1\n', '[default]\nregion = eu-west-1\n\n'],
    ['[default]\nregion = eu-west-1', '[default]\nregion = eu-west-1\n\n'],
    ['[default]\n\n', '[default]\n\n'],
    ['[default]\r\n\r\n', '[default]\r\n\r\n'],
  ])('appends the block after a blank line and keeps %j as it is', (existing, before) => {
    expect(replaceManagedBlock(existing, 'x\n')).toBe(`${before}${block('x\n')}`);
  });

  it('replaces the block in place and keeps every byte around it', () => {
    const before = '# mine\r\n[profile mine]\r\nregion = eu-west-1\r\n\r\n';
    const after = '\n[profile later]   \nregion = us-west-2';
    const existing = `${before}${block('[profile old]\ncredential_process = old\n')}${after}`;
    expect(replaceManagedBlock(existing, 'new\n')).toBe(`${before}${block('new\n')}${after}`);
  });

  it('recognises a block whose end marker is the last line without a line break', () => {
    expect(replaceManagedBlock(`a\n${BLOCK_BEGIN}\nold\n${BLOCK_END}`, 'new\n')).toBe(`a\n${block('new\n')}`);
  });

  it('recognises a begin marker of another wording, as an older rolecall wrote', () => {
    expect(replaceManagedBlock(`# >>> rolecall >>>\nold\n${BLOCK_END}\n`, 'new\n')).toBe(block('new\n'));
  });

  it('gives the same file when run twice', () => {
    const once = replaceManagedBlock('[default]\nregion = eu-west-1', 'x\n');
    expect(replaceManagedBlock(once, 'x\n')).toBe(once);
  });

  it('can empty the block', () => {
    expect(replaceManagedBlock(block('old\n'), '')).toBe(`${BLOCK_BEGIN}\n${BLOCK_END}\n`);
  });

  it.each([
    [`a\n${BLOCK_BEGIN}\nb\n`, 'the rolecall block that begins at line 2 has no end marker'],
    [`${BLOCK_END}\n${BLOCK_BEGIN}\n${BLOCK_END}\n`, 'an unmatched rolecall end marker at line 1'],
    [
      `${BLOCK_BEGIN}\n${BLOCK_BEGIN}\n${BLOCK_END}\n`,
      'a second rolecall begin marker at line 2 (the first is at line 1)',
    ],
    [`${block('')}${block('')}`, 'a second rolecall begin marker at line 3 (the first is at line 1)'],
    [`${block('')}${BLOCK_END}\n`, 'an unmatched rolecall end marker at line 3'],
  ])('refuses markers that do not pair up rather than lose what is between them: %j', (existing, problem) => {
    expect(() => replaceManagedBlock(existing, 'x\n')).toThrow(problem);
  });
});

describe('profilesOutsideBlock', () => {
  it('lists the profiles and the default section outside the block, not those inside', () => {
    const existing = [
      '[default]',
      '[profile mine] # a comment',
      '[profile  spaced]',
      '[ profile ignored ]',
      '[profile "quoted"]',
      '[sso-session corp]',
      '[services s3]',
      '# [profile commented]',
      block('[profile generated]\n'),
      '[profile after]\r',
    ].join('\n');
    expect(profilesOutsideBlock(existing)).toEqual(new Set(['default', 'mine', 'spaced', 'quoted', 'after']));
  });

  it('finds nothing in an empty file', () => {
    expect(profilesOutsideBlock('')).toEqual(new Set());
  });

  it('refuses markers that do not pair up, as replaceManagedBlock does', () => {
    expect(() => profilesOutsideBlock(`${BLOCK_BEGIN}\n`)).toThrow(/no end marker/);
  });
});
