import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromProcess } from '@aws-sdk/credential-provider-process';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ProfileEntry,
  quoteCommand,
  renderProfiles,
  replaceManagedBlock,
  uniqueProfileNames,
} from '../../src/run/aws-config-file.js';
import { Sandbox } from '../support/cli.js';
import { findPythonWithBoto3 } from '../support/python.js';

const { python, problem } = findPythonWithBoto3();
if (!python && !process.env['CI']) console.warn(`skipping the botocore interop tests: ${problem}`);
const skipPython = !python && !process.env['CI'];

/** Identity names that each break some quoting: shell syntax, INI comments, quotes, unicode, spacing. */
const HOSTILE_IDENTITIES = [
  'sandbox/PowerUserAccess',
  'My Account (123456789012)/Admin',
  'ünïcödé/Ädmin',
  'spaces in the middle',
  "it's",
  '"q"',
  "'",
  '$HOME',
  '`x`',
  'a #b',
  'x ;y',
  '#start',
  ';start',
  'a;b#c',
  'tab\t#b',
  'nbsp\u00a0;b',
  ' lead and trail ',
  'back\\slash',
  'ends in a backslash\\',
  'x=y',
  '* ? [a] ~ ! & | < > ( ) { }',
  '%PATH%',
  '',
];

/** What the credential process prints: its arguments, inside credentials that both SDKs accept. */
const ECHO_ARGV = `process.stdout.write(JSON.stringify({
  Version: 1, AccessKeyId: 'AKIDEXAMPLE', SecretAccessKey: JSON.stringify(process.argv.slice(2)),
}));`;

/** Reads the config back with botocore: the profiles, and per profile its value, shlex's split and the credentials. */
const BOTOCORE_READER = `
import json, shlex, sys
import botocore.compat, botocore.configloader, botocore.session
request = json.load(sys.stdin)
path = request['path']
sections = sorted(botocore.configloader.raw_config_parse(path))
names = sorted(botocore.session.Session().full_config['profiles'])
read = {}
for name in request['profiles']:
    value = botocore.session.Session(profile=name).get_scoped_config()['credential_process']
    credentials = botocore.session.Session(profile=name).get_credentials().get_frozen_credentials()
    read[name] = {'value': value, 'split': shlex.split(value), 'secret': credentials.secret_key}
windows = [botocore.compat._windows_shell_split(line) for line in request['windows']]
print(json.dumps({'sections': sections, 'names': names, 'read': read, 'windows': windows}))
`;

interface BotocoreReading {
  sections: string[];
  names: string[];
  read: Record<string, { value: string; split: string[]; secret: string }>;
  windows: string[][];
}

const USER_CONFIG = '# my own\n[default]\nregion = eu-west-1\n\n[profile mine]\nregion = eu-west-2';

describe('an AWS config file with rolecall profiles for hostile identity names', () => {
  const sandbox = new Sandbox();
  const configFile = join(sandbox.home, '.aws', 'config');
  const credentialsFile = join(sandbox.home, '.aws', 'credentials');
  // The process itself lives where a path needs quoting too.
  const script = join(sandbox.home, 'bin #1; it\'s "here"', 'echo-argv.cjs');
  const names = uniqueProfileNames(HOSTILE_IDENTITIES);
  const argvOf = (identity: string) => [process.execPath, script, 'credential-process', '--identity', identity];
  const commands = new Map(HOSTILE_IDENTITIES.map((identity) => [identity, quoteCommand(argvOf(identity), 'linux')]));
  const env = {
    ...sandbox.env,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  beforeAll(() => {
    mkdirSync(join(script, '..'), { recursive: true });
    mkdirSync(join(configFile, '..'), { recursive: true });
    writeFileSync(script, ECHO_ARGV);
    const entries: ProfileEntry[] = HOSTILE_IDENTITIES.map((identity) => ({
      name: names.get(identity)!,
      region: 'us-east-1',
      credentialProcess: commands.get(identity)!,
      comment: `identity: ${identity}`,
    }));
    writeFileSync(configFile, replaceManagedBlock(USER_CONFIG, renderProfiles(entries)));
  });

  it('keeps every identity apart under its own profile name', () => {
    expect(new Set(names.values()).size).toBe(HOSTILE_IDENTITIES.length);
  });

  it.skipIf(skipPython)('reads back in botocore: every profile, each command and its arguments', () => {
    if (!python) throw new Error(`${problem}: CI must provide it (.ci/run installs python3-boto3)`);
    const request = { path: configFile, profiles: [...names.values()], windows: [] };
    const reading: BotocoreReading = JSON.parse(
      execFileSync(python, ['-c', BOTOCORE_READER], { env, input: JSON.stringify(request), encoding: 'utf8' }),
    );
    const generated = [...names.values()];
    expect(reading.sections).toEqual(['default', 'profile mine', ...generated.map((name) => `profile ${name}`)].sort());
    expect(reading.names).toEqual([...generated, 'default', 'mine'].sort());
    for (const identity of HOSTILE_IDENTITIES) {
      const read = reading.read[names.get(identity)!]!;
      expect(read.value, identity).toBe(commands.get(identity));
      expect(read.split, identity).toEqual(argvOf(identity));
      expect(JSON.parse(read.secret), identity).toEqual(argvOf(identity).slice(2));
    }
  });

  it('reads back in the JS SDK: every profile, each command whole, and the arguments it runs with', async () => {
    const { configFile: profiles } = await loadSharedConfigFiles({
      configFilepath: configFile,
      filepath: credentialsFile,
      ignoreCache: true,
    });
    expect(Object.keys(profiles).sort()).toEqual([...names.values(), 'default', 'mine'].sort());
    for (const identity of HOSTILE_IDENTITIES) {
      const profile = names.get(identity)!;
      expect(profiles[profile]?.['credential_process'], identity).toBe(commands.get(identity));
      const credentials = await fromProcess({ profile, configFilepath: configFile, filepath: credentialsFile })();
      expect(JSON.parse(credentials.secretAccessKey), identity).toEqual(argvOf(identity).slice(2));
    }
  });

  it('splits back into the same arguments in /bin/sh', () => {
    for (const identity of HOSTILE_IDENTITIES) {
      const split = execFileSync('/bin/sh', ['-c', `set -- ${commands.get(identity)}; printf '%s\\0' "$@"`], {
        env,
        encoding: 'utf8',
      });
      expect(split.split('\0').slice(0, -1), identity).toEqual(argvOf(identity));
    }
  });

  it.skipIf(skipPython)('splits back into the same arguments in botocore on Windows', () => {
    if (!python) throw new Error(`${problem}: CI must provide it (.ci/run installs python3-boto3)`);
    const windowsArgv = (identity: string) => ['C:\\Program Files\\rolecall\\rolecall.exe', '--identity', identity];
    const lines = HOSTILE_IDENTITIES.map((identity) => quoteCommand(windowsArgv(identity), 'win32'));
    const request = { path: configFile, profiles: [], windows: lines };
    const reading: BotocoreReading = JSON.parse(
      execFileSync(python, ['-c', BOTOCORE_READER], { env, input: JSON.stringify(request), encoding: 'utf8' }),
    );
    expect(reading.windows).toEqual(HOSTILE_IDENTITIES.map(windowsArgv));
  });

  it.skipIf(skipPython)("is refused whole by botocore when a generated profile repeats one of the user's own", () => {
    if (!python) throw new Error(`${problem}: CI must provide it (.ci/run installs python3-boto3)`);
    const duplicated = join(sandbox.home, 'duplicated-config');
    const generated = renderProfiles([{ name: 'mine', credentialProcess: 'true' }]);
    writeFileSync(duplicated, replaceManagedBlock(USER_CONFIG, generated));
    const read = `import botocore.configloader, sys\nbotocore.configloader.raw_config_parse(sys.argv[1])`;
    expect(() => execFileSync(python, ['-c', read, duplicated], { env, stdio: 'pipe' })).toThrow(
      /ConfigParseError: Unable to parse config file/,
    );
  });
});
