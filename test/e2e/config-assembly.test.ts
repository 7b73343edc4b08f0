import { describe, expect, it } from 'vitest';
import { provisionedIdentity, Sandbox, SSO_PROVIDER } from '../support/cli.js';

const SEED_OVERRIDE = `${SSO_PROVIDER}  identities:
    production/DeployerAccess:
      default: true
      session: { duration: 12h }
`;

const provisioned = (...identities: string[]) => `# generated
auth:
  _metadata: { provider: sso-prod, start_url: "https://my-org.awsapps.com/start", region: us-east-1 }
  identities:
${identities.join('')}`;

const showJson = async (sandbox: Sandbox, ...args: string[]) => {
  const result = await sandbox.run(['config', 'show', '--format', 'json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

describe('assembling the configuration', () => {
  it('merges a manual override onto the provisioned identity of the same name, keeping all six fields', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', SEED_OVERRIDE);
    sandbox.writeProvisioned(
      'sso-prod',
      provisioned(provisionedIdentity('production', '123456789012', 'DeployerAccess')),
    );

    const config = await showJson(sandbox);

    expect(config.auth.identities['production/DeployerAccess']).toEqual({
      kind: 'aws/permission-set',
      provider: 'sso-prod',
      via: { provider: 'sso-prod' },
      principal: { name: 'DeployerAccess', account: { name: 'production', id: '123456789012' } },
      default: true,
      session: { duration: '12h' },
    });
    const list = JSON.parse((await sandbox.run(['list', '--format', 'json'])).stdout);
    expect(list.identities).toEqual([
      {
        name: 'production/DeployerAccess',
        kind: 'aws/permission-set',
        provider: 'sso-prod',
        via: { provider: 'sso-prod' },
        account: { name: 'production', id: '123456789012' },
        role: 'DeployerAccess',
        default: true,
        credentials: null,
      },
    ]);
  });

  it('remembers the file, line and column every value came from', async () => {
    const sandbox = new Sandbox();
    const main = sandbox.write('rolecall.yaml', SEED_OVERRIDE);
    const generated = sandbox.writeProvisioned(
      'sso-prod',
      provisioned(provisionedIdentity('production', '123456789012', 'DeployerAccess')),
    );

    const { origins } = await showJson(sandbox, '--origins');

    const identity = '/auth/identities/production~1DeployerAccess';
    expect(origins[`${identity}/default`]).toBe(`${main}:10:7`);
    expect(origins[`${identity}/session/duration`]).toBe(`${main}:11:18`);
    expect(origins[`${identity}/kind`]).toBe(`${generated}:6:7`);
    expect(origins['/auth/providers/sso-prod/start_url']).toBe(`${main}:5:7`);

    const yaml = await sandbox.run(['config', 'show', '--origins']);
    expect(yaml.stdout).toContain(`duration: 12h # ${main}:11:18`);
  });

  it('reads imports (globs, relative to the importing file, nested) before the file that imports them', async () => {
    const sandbox = new Sandbox();
    sandbox.write(
      'project/rolecall.yaml',
      `import: ["auth.d/*.yaml", "../shared/base.yaml"]
auth:
  identities:
    ci-user: { kind: aws/user, session: { duration: 1h30m } }
`,
    );
    sandbox.write(
      'shared/base.yaml',
      `import: [providers.yaml]\nauth:\n  identities:\n    ci-user: { kind: aws/user, session: { duration: 90m } }\n`,
    );
    sandbox.write('shared/providers.yaml', SSO_PROVIDER);
    sandbox.write(
      'project/auth.d/a.yaml',
      'auth:\n  identities:\n    admin:\n      kind: aws/assume-role\n      via: { provider: sso-prod }\n      principal: { assume_role: "arn:aws:iam::123456789012:role/Admin" }\n',
    );
    sandbox.write('project/auth.d/b.yaml', 'auth:\n  identities:\n    admin: { default: true }\n');

    const config = await showJson(sandbox, '--config', sandbox.path('project/rolecall.yaml'));

    expect(config.auth.providers['sso-prod'].region).toBe('us-east-1');
    expect(config.auth.identities.admin.default).toBe(true);
    expect(config.auth.identities.admin.principal.assume_role).toBe('arn:aws:iam::123456789012:role/Admin');
    // The main file is merged last and wins over what it imports.
    expect(config.auth.identities['ci-user'].session.duration).toBe('1h30m');
  });

  it('replaces lists instead of merging them', async () => {
    const sandbox = new Sandbox();
    sandbox.write('base.yaml', `${SSO_PROVIDER}      provision:\n        accounts: { include: ["a-*", "b-*"] }\n`);
    sandbox.write(
      'rolecall.yaml',
      'import: [base.yaml]\nauth:\n  providers:\n    sso-prod:\n      provision:\n        accounts: { include: ["c-*"] }\n',
    );

    const { config, origins } = await showJson(sandbox, '--origins');

    expect(config.auth.providers['sso-prod'].provision.accounts.include).toEqual(['c-*']);
    expect(origins['/auth/providers/sso-prod/provision/accounts/include/1']).toBeUndefined();
  });

  it('loads provisioned files only for configured providers', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', SSO_PROVIDER);
    sandbox.writeProvisioned(
      'sso-prod',
      provisioned(provisionedIdentity('sandbox', '111111111111', 'PowerUserAccess')),
    );
    sandbox.writeProvisioned('sso-old', provisioned(provisionedIdentity('legacy', '222222222222', 'Admin', 'sso-old')));

    const config = await showJson(sandbox);

    expect(Object.keys(config.auth.identities)).toEqual(['sandbox/PowerUserAccess']);
  });

  it('skips a damaged provisioned file with a warning and keeps working', async () => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', `${SSO_PROVIDER}  identities:\n    ci-user: { kind: aws/user }\n`);
    sandbox.writeProvisioned('sso-prod', 'auth:\n  identities:\n    broken: [\n');

    const result = await sandbox.run(['list', '--format', 'json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).identities.map((identity: { name: string }) => identity.name)).toEqual([
      'ci-user',
    ]);
    expect(result.stderr).toMatch(/warning: provisioned identities of sso-prod in .* are unreadable/);
    expect(result.stderr).toContain('rolecall login --provider sso-prod');
  });

  it('sets aside an override whose identity has not been provisioned yet, with a warning', async () => {
    const sandbox = new Sandbox();
    const main = sandbox.write('rolecall.yaml', SEED_OVERRIDE);

    const result = await sandbox.run(['list', '--format', 'json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).identities).toEqual([]);
    expect(result.stderr).toContain(`${main}:9:5: auth.identities["production/DeployerAccess"]: sets no kind`);
  });

  it('uses an atmos.yaml for its auth and import keys only', async () => {
    const sandbox = new Sandbox();
    sandbox.write(
      'infra/atmos.yaml',
      `base_path: .
components:
  terraform: { base_path: components/terraform }
stacks: { name_pattern: "{stage}" }
import: [auth.yaml]
auth:
  identities:
    ci-user: { kind: aws/user }
`,
    );
    sandbox.write('infra/auth.yaml', `${SSO_PROVIDER}settings: { anything: goes }\n`);

    const result = await sandbox.run(['config', 'show', '--format', 'json'], { cwd: sandbox.path('infra') });

    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(Object.keys(config)).toEqual(['auth']);
    expect(Object.keys(config.auth.providers)).toEqual(['sso-prod']);
    expect(Object.keys(config.auth.identities)).toEqual(['ci-user']);
  });
});
