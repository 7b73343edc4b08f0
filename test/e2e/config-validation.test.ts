import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Sandbox, SSO_PROVIDER, STACK_FRAME } from '../support/cli.js';

const withIdentities = (identities: string) => `${SSO_PROVIDER}  identities:\n${identities}`;

/** Runs `validate` on a config and returns stderr, asserting exit 2, no stack trace and nothing written. */
async function rejected(config: string, extraFiles: Record<string, string> = {}) {
  const sandbox = new Sandbox();
  const file = sandbox.write('rolecall.yaml', config);
  for (const [name, text] of Object.entries(extraFiles)) sandbox.write(name, text);
  const result = await sandbox.run(['validate']);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr).toContain('hint: ');
  expect(sandbox.files('.cache/rolecall/compiled')).toEqual([]);
  // `list` refuses the same configuration the same way.
  expect((await sandbox.run(['list'])).code).toBe(2);
  return { stderr: result.stderr, file };
}

describe('validation errors name the file, line, column and key, and what is allowed', () => {
  it('rejects an unknown provider kind', async () => {
    const { stderr, file } = await rejected(SSO_PROVIDER.replace('aws/iam-identity-center', 'aws/sso'));
    expect(stderr).toContain(
      `${file}:4:7: auth.providers.sso-prod.kind: unknown provider kind "aws/sso"; supported: aws/iam-identity-center`,
    );
  });

  it('rejects an unknown identity kind', async () => {
    const { stderr, file } = await rejected(withIdentities('    me:\n      kind: aws/permision-set\n'));
    expect(stderr).toContain(
      `${file}:10:7: auth.identities.me.kind: unknown identity kind "aws/permision-set"; supported: aws/permission-set, aws/assume-role, aws/user`,
    );
  });

  it('rejects a provider without start_url or region', async () => {
    const { stderr, file } = await rejected('auth:\n  providers:\n    sso:\n      kind: aws/iam-identity-center\n');
    expect(stderr).toContain(`${file}:3:5: auth.providers.sso.start_url: is required`);
    expect(stderr).toContain(`${file}:3:5: auth.providers.sso.region: is required`);
    expect(stderr).toContain('invalid configuration (2 errors)');
  });

  it('rejects a start_url that is not https', async () => {
    const { stderr, file } = await rejected(SSO_PROVIDER.replace('https://my-org', 'http://my-org'));
    expect(stderr).toContain(`${file}:5:7: auth.providers.sso-prod.start_url: must be an https URL`);
  });

  it('rejects a via that names a provider that does not exist', async () => {
    const { stderr, file } = await rejected(
      withIdentities(
        '    admin:\n      kind: aws/assume-role\n      via: { provider: sso-dev }\n      principal: { assume_role: "arn:aws:iam::123456789012:role/A" }\n',
      ),
    );
    expect(stderr).toContain(
      `${file}:11:14: auth.identities.admin.via.provider: names provider "sso-dev", which is not configured; configured providers: sso-prod`,
    );
  });

  it('rejects a via that names an identity that does not exist', async () => {
    const { stderr, file } = await rejected(
      withIdentities(
        '    admin:\n      kind: aws/assume-role\n      via: { identity: nobody }\n      principal: { assume_role: "arn:aws:iam::123456789012:role/A" }\n',
      ),
      { '.cache/rolecall/auth/sso-prod/provisioned-identities.yaml': 'auth:\n  identities: {}\n' },
    );
    expect(stderr).toContain(
      `${file}:11:14: auth.identities.admin.via.identity: names identity "nobody", which does not exist`,
    );
  });

  it('only warns about a chain from an identity that the first login may still discover', async () => {
    const sandbox = new Sandbox();
    const file = sandbox.write(
      'rolecall.yaml',
      withIdentities(
        '    admin:\n      kind: aws/assume-role\n      via: { identity: prod/Admin }\n      principal: { assume_role: "arn:aws:iam::123456789012:role/A" }\n    deeper:\n      kind: aws/assume-role\n      via: { identity: admin }\n      principal: { assume_role: "arn:aws:iam::123456789012:role/B" }\n',
      ),
    );
    const result = await sandbox.run(['validate']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: ${file}:11:14: auth.identities.admin.via.identity: names identity "prod/Admin", which does not exist yet; admin is ignored until it does`,
    );
    expect(result.stderr).toContain('names identity "admin", which does not exist yet; deeper is ignored');
    expect(result.stderr).toContain('hint: run `rolecall login` for sso-prod to discover identities');
  });

  it('rejects identity chains with a cycle', async () => {
    const role = '      principal: { assume_role: "arn:aws:iam::123456789012:role/A" }\n';
    const { stderr } = await rejected(
      withIdentities(
        `    a:\n      kind: aws/assume-role\n      via: { identity: b }\n${role}    b:\n      kind: aws/assume-role\n      via: { identity: c }\n${role}    c:\n      kind: aws/assume-role\n      via: { identity: a }\n${role}`,
      ),
    );
    expect(stderr).toMatch(/identity chain has a cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/);
    expect(stderr.match(/cycle/g)).toHaveLength(1);
  });

  it('rejects two identities marked default, naming both', async () => {
    const { stderr, file } = await rejected(
      withIdentities('    one: { kind: aws/user, default: true }\n    two: { kind: aws/user, default: true }\n'),
    );
    expect(stderr).toContain(
      `${file}:9:28: auth.identities.one.default: more than one identity is marked default (also: two)`,
    );
    expect(stderr).toContain(
      `${file}:10:28: auth.identities.two.default: more than one identity is marked default (also: one)`,
    );
  });

  it.each(['12', 'twelve hours', '1d', '30m1h', '0h', '1.5h'])('rejects the duration %j', async (duration) => {
    const { stderr, file } = await rejected(
      withIdentities(`    me:\n      kind: aws/user\n      session: { duration: "${duration}" }\n`),
    );
    expect(stderr).toContain(`${file}:11:18: auth.identities.me.session.duration: must be a duration longer than zero`);
    expect(stderr).toContain('invalid configuration:\n');
  });

  it.each(['12h', '90m', '1h30m', '45s'])('accepts the duration %j', async (duration) => {
    const sandbox = new Sandbox();
    sandbox.write(
      'rolecall.yaml',
      withIdentities(`    me:\n      kind: aws/user\n      session: { duration: ${duration} }\n`),
    );
    const result = await sandbox.run(['validate']);
    expect(result.stderr).toContain('is valid: 1 provider(s), 1 identity');
    expect(result.code).toBe(0);
  });

  it('rejects malformed YAML', async () => {
    const { stderr, file } = await rejected('auth:\n  providers: [\n');
    expect(stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: malformed YAML`));
  });

  it('rejects duplicate keys', async () => {
    const { stderr, file } = await rejected(withIdentities('    me: { kind: aws/user }\n    me: { kind: aws/user }\n'));
    expect(stderr).toContain(`${file}:10:5: duplicate key "me"`);
  });

  it('rejects an import that does not exist, naming where it is imported', async () => {
    const { stderr, file } = await rejected(`import: [missing.yaml]\n${SSO_PROVIDER}`);
    expect(stderr).toContain(`${file}:1:10: `);
    expect(stderr).toContain('missing.yaml: file not found');
  });

  it('rejects an import that cannot be read', async () => {
    const sandbox = new Sandbox();
    const file = sandbox.write('rolecall.yaml', `import: [folder.yaml]\n${SSO_PROVIDER}`);
    mkdirSync(sandbox.path('folder.yaml'));
    const result = await sandbox.run(['validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:1:10: ${sandbox.path('folder.yaml')}: is a folder, not a file`);
  });

  it('rejects import cycles', async () => {
    const { stderr } = await rejected(`import: [b.yaml]\n${SSO_PROVIDER}`, { 'b.yaml': 'import: [rolecall.yaml]\n' });
    expect(stderr).toMatch(/import cycle: .*rolecall\.yaml -> .*b\.yaml -> .*rolecall\.yaml/);
  });

  it('rejects an unknown key in a rolecall file and lists the allowed keys', async () => {
    const { stderr, file } = await rejected(`${SSO_PROVIDER}      regoin: us-west-2\n`);
    expect(stderr).toContain(
      `${file}:8:7: auth.providers.sso-prod.regoin: unknown key; allowed keys: kind, start_url, region, auto_provision_identities, session, console, provision`,
    );
  });

  it('reports every error of a file at once', async () => {
    const { stderr } = await rejected(
      withIdentities(
        '    one: { kind: aws/user, default: true }\n    two: { kind: aws/nope }\n    three: { kind: aws/user, session: { duration: x } }\n',
      ),
    );
    expect(stderr).toContain('unknown identity kind "aws/nope"');
    expect(stderr).toContain('auth.identities.three.session.duration');
  });
});

describe('Atmos configurations', () => {
  const atmos = `auth:
  providers:
    github:
      kind: github/oidc
      region: us-east-1
      spec: { audience: sts.amazonaws.com }
    okta:
      kind: aws/saml
      url: https://example.okta.com/app/amazon_aws/abc/sso/saml
  identities:
    deployer:
      kind: aws/assume-role
      via: { provider: github }
      principal: { assume_role: "arn:aws:iam::123456789012:role/Deployer" }
    root-access:
      kind: aws/assume-root
      via: { identity: deployer }
      principal: { target_principal: "123456789012" }
  integrations:
    ecr: { kind: aws/ecr }
`;

  it('loads, lists and validates kinds rolecall does not implement, with warnings', async () => {
    const sandbox = new Sandbox();
    const file = sandbox.write('atmos.yaml', atmos);

    const validate = await sandbox.run(['validate']);
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain(
      `warning: ${file}:4:7: auth.providers.github.kind: provider kind github/oidc is not supported by rolecall`,
    );
    expect(validate.stderr).toContain(
      `warning: ${file}:16:7: auth.identities.root-access.kind: identity kind aws/assume-root is not supported`,
    );
    expect(validate.stderr).toContain(
      `warning: ${file}:19:3: auth.integrations: unknown key (Atmos setting rolecall does not use; ignored)`,
    );

    const list = await sandbox.run(['list', '--format', 'json']);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout);
    expect(listed.providers.map((provider: { name: string }) => provider.name)).toEqual(['github', 'okta']);
    expect(listed.identities.map((identity: { name: string }) => identity.name)).toEqual(['deployer', 'root-access']);
  });
});
