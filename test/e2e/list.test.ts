import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPath, provisionedIdentity, Sandbox, SSO_PROVIDER } from '../support/cli.js';

const CONFIG = `${SSO_PROVIDER}    sso-dev:
      kind: aws/iam-identity-center
      start_url: https://dev-org.awsapps.com/start
      region: eu-west-1
  identities:
    production/DeployerAccess: { default: true }
    prod-admin:
      kind: aws/assume-role
      via: { identity: production/DeployerAccess }
      principal: { assume_role: "arn:aws:iam::123456789012:role/Admin" }
    prod-admin-readonly:
      kind: aws/assume-role
      via: { identity: prod-admin }
      principal: { assume_role: "arn:aws:iam::123456789012:role/ReadOnly" }
    dev-admin:
      kind: aws/assume-role
      via: { provider: sso-dev }
      principal: { assume_role: "arn:aws:iam::210987654321:role/Admin" }
    ci-user: { kind: aws/user }
`;

function setUp() {
  const sandbox = new Sandbox();
  sandbox.write('rolecall.yaml', CONFIG);
  sandbox.writeProvisioned(
    'sso-prod',
    `auth:\n  identities:\n${provisionedIdentity('production', '123456789012', 'DeployerAccess')}${provisionedIdentity('sandbox', '111111111111', 'PowerUserAccess')}`,
  );
  return sandbox;
}

describe('rolecall list', () => {
  it('draws providers with their identities, chained identities nested under their parent', async () => {
    const result = await setUp().run(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'sso-prod  aws/iam-identity-center https://my-org.awsapps.com/start (us-east-1)',
        '├── production/DeployerAccess  123456789012  (default)',
        '│   └── prod-admin  aws/assume-role',
        '│       └── prod-admin-readonly  aws/assume-role',
        '└── sandbox/PowerUserAccess  111111111111',
        'sso-dev  aws/iam-identity-center https://dev-org.awsapps.com/start (eu-west-1)',
        '└── dev-admin  aws/assume-role',
        '(no provider)',
        '└── ci-user  aws/user',
        '',
      ].join('\n'),
    );
  });

  it('shows one provider with --provider, chained identities included', async () => {
    const json = JSON.parse((await setUp().run(['list', '--provider', 'sso-prod', '--format', 'json'])).stdout);
    expect(json.providers).toEqual([
      {
        name: 'sso-prod',
        kind: 'aws/iam-identity-center',
        start_url: 'https://my-org.awsapps.com/start',
        region: 'us-east-1',
        auto_provision_identities: true,
        identities: 4,
      },
    ]);
    expect(json.identities.map((identity: { name: string }) => identity.name)).toEqual([
      'prod-admin',
      'prod-admin-readonly',
      'production/DeployerAccess',
      'sandbox/PowerUserAccess',
    ]);
  });

  it('rejects an unknown --provider with the list of providers', async () => {
    const result = await setUp().run(['list', '--provider', 'sso-qa']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--provider sso-qa: no such provider; configured providers: sso-prod, sso-dev');
  });

  it('prints a table and YAML with the same identities', async () => {
    const sandbox = setUp();
    const table = await sandbox.run(['list', '--format', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+KIND\s+PROVIDER\s+ACCOUNT\s+ROLE\s+DEFAULT\s+CREDENTIALS$/);
    expect(table.stdout).toMatch(
      /production\/DeployerAccess\s+aws\/permission-set\s+sso-prod\s+production 123456789012\s+DeployerAccess\s+yes/,
    );
    const yaml = await sandbox.run(['list', '--format', 'yaml']);
    expect(yaml.stdout).toContain('  - name: prod-admin-readonly\n    kind: aws/assume-role\n    provider: sso-prod\n');
  });

  it('rejects an unknown --format, listing the choices', async () => {
    const result = await setUp().run(['list', '--format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are tree, table, json, yaml');
  });

  it('writes no colour when stdout is not a terminal, nor with NO_COLOR or --no-color', async () => {
    const sandbox = setUp();
    for (const [args, env] of [
      [['list'], {}],
      [['list', '--no-color'], {}],
      [['list'], { NO_COLOR: '1' }],
    ] as const) {
      const result = await sandbox.run([...args], { env });
      expect(result.stdout).not.toContain('\u001b[');
      expect(result.stderr).not.toContain('\u001b[');
    }
  });
});

describe('colour on a terminal', () => {
  // `script` gives the command a pseudo-terminal, as a person's shell does.
  const inTerminal = (sandbox: Sandbox, command: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: sandbox.home,
      env: { ...sandbox.env, ...env },
      encoding: 'utf8',
    });
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript && !process.env['CI'])('is used on a terminal and dropped with NO_COLOR or --no-color', () => {
    const sandbox = setUp();
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} list`;
    expect(inTerminal(sandbox, command).stdout).toContain('\u001b[');
    expect(inTerminal(sandbox, `${command} --no-color`).stdout).not.toContain('\u001b[');
    expect(inTerminal(sandbox, command, { NO_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });
});
