import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { repoRoot, Sandbox, STACK_FRAME } from '../support/cli.js';

describe('the rolecall command', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const result = await new Sandbox().run(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists its commands and global options in --help', async () => {
    const result = await new Sandbox().run(['--help']);
    expect(result.code).toBe(0);
    for (const text of ['list', 'validate', 'config', '--config <file>', '--log-level <level>', '--no-color']) {
      expect(result.stdout).toContain(text);
    }
  });

  it.each([[['frobnicate']], [['list', '--bogus']], [['list', '--format']], [['config']]])(
    'exits 2 on a usage error (%j) without a stack trace',
    async (args) => {
      const result = await new Sandbox().run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    },
  );

  it('accepts global options after the command', async () => {
    const sandbox = new Sandbox();
    sandbox.write('elsewhere.yaml', 'auth:\n  identities:\n    x: { kind: aws/user }\n');
    const result = await sandbox.run(['list', '--format', 'json', '--config', 'elsewhere.yaml', '--no-color']);
    expect(JSON.parse(result.stdout).identities[0].name).toBe('x');
  });
});

describe('rolecall config schema', () => {
  it('prints a JSON Schema that accepts the documented example and rejects a broken one', async () => {
    const result = await new Sandbox().run(['config', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = new Ajv2020.default({ strict: false }).compile(schema);

    const example = {
      auth: {
        providers: {
          'sso-prod': {
            kind: 'aws/iam-identity-center',
            start_url: 'https://my-org.awsapps.com/start',
            region: 'us-east-1',
            auto_provision_identities: true,
            session: { duration: '8h' },
            provision: { name_template: '{account}/{role}', accounts: { include: ['*'], exclude: ['legacy-*'] } },
          },
        },
        identities: {
          'production/DeployerAccess': { default: true, session: { duration: '12h' } },
          'prod-admin': {
            kind: 'aws/assume-role',
            via: { identity: 'production/DeployerAccess' },
            principal: { assume_role: 'arn:aws:iam::123456789012:role/Admin', session_name: 'me' },
          },
          'ci-user': { kind: 'aws/user' },
        },
        keyring: { type: 'auto' },
        logs: { level: 'info' },
      },
      import: ['auth.d/*.yaml'],
    };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(example);
    broken.auth.providers['sso-prod'].session.duration = 'forever';
    expect(validate(broken)).toBe(false);
  });
});

describe('docs/config.schema.json', () => {
  it('is the schema `rolecall config schema` prints (regenerate with `npm run schema`)', async () => {
    const result = await new Sandbox().run(['config', 'schema']);
    expect(readFileSync(join(repoRoot, 'docs', 'config.schema.json'), 'utf8')).toBe(result.stdout);
  });
});

describe('log levels', () => {
  it('take the configured auth.logs.level unless --log-level or ROLECALL_LOG_LEVEL says otherwise', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', 'auth:\n  logs: { level: Debug }\n');
    expect((await sandbox.run(['list'])).stderr).toContain('debug: configuration compiled from its sources');
    expect((await sandbox.run(['list', '--log-level', 'info'])).stderr).not.toContain('debug:');
    expect((await sandbox.run(['list'], { env: { ROLECALL_LOG_LEVEL: 'warn' } })).stderr).not.toContain('debug:');
  });

  it('reject a ROLECALL_LOG_LEVEL that is not a level', async () => {
    const result = await new Sandbox().run(['list'], { env: { ROLECALL_LOG_LEVEL: 'verbose' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: ROLECALL_LOG_LEVEL=verbose is not a log level');
  });
});

describe('docs/commands.md', () => {
  it('names every command and every flag that --help shows', async () => {
    const sandbox = new Sandbox();
    const docs = readFileSync(join(repoRoot, 'docs', 'commands.md'), 'utf8');
    const commandsOf = (help: string) =>
      [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
        .map((match) => match[1]!)
        .filter((name) => name !== 'help');
    const flagsOf = (help: string) => [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((match) => match[1]!);

    const top = (await sandbox.run(['--help'])).stdout;
    const commands = commandsOf(top);
    expect(commands).toContain('login');
    const checked: string[] = [];
    for (const command of commands) {
      // `help NAME`, since `terraform --help` is Terraform's own help.
      const help = (await sandbox.run(['help', command])).stdout;
      const subcommands = help.includes('Commands:') ? commandsOf(help).map((sub) => `${command} ${sub}`) : [command];
      for (const name of subcommands) {
        const own = name === command ? help : (await sandbox.run([...name.split(' '), '--help'])).stdout;
        expect(docs, `docs/commands.md has no section for ${name}`).toContain(`## \`rolecall ${name}\``);
        for (const flag of flagsOf(own).filter((flag) => flag !== '--help')) {
          expect(docs, `docs/commands.md does not mention ${flag} of ${name}`).toContain(flag);
        }
        checked.push(name);
      }
    }
    for (const flag of flagsOf(top).filter((flag) => flag !== '--help')) expect(docs).toContain(flag);
    expect(checked).toEqual(
      expect.arrayContaining([
        'login',
        'logout',
        'provision',
        'list',
        'validate',
        'config show',
        'config schema',
        'emulator',
      ]),
    );
  });
});
