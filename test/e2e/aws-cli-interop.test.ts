import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Sandbox, startProcess } from '../support/cli.js';
import { opCount, START_URL, signedInSandbox, ssoConfig } from '../support/emulator.js';
import { pythonWithBoto3 } from '../support/python.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const cliTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

describe('working with the AWS CLI login cache', () => {
  it('uses a valid AWS CLI token for the same portal instead of signing in', async () => {
    const { emu, env, run, sandbox } = await signedInSandbox({ config: ssoConfig(), login: false });
    // A token signed in elsewhere on the same portal, in the AWS CLI's cache format.
    const elsewhere = new Sandbox();
    elsewhere.write('rolecall.yaml', ssoConfig());
    await elsewhere.run(['login', '--use-device-code', '--export-aws-cli-cache'], { env });
    const exported = readFileSync(elsewhere.path('.aws', 'sso', 'cache', `${sha1('sso-prod')}.json`), 'utf8');
    sandbox.write(`.aws/sso/cache/${sha1('my-session')}.json`, exported);
    sandbox.write('.aws/sso/cache/garbage.json', '{not json');
    emu.resetStats();

    const result = await run(['login']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain("✓ Using the AWS CLI's login for sso-prod");
    expect(opCount(emu, 'CreateToken')).toBe(0);
    // The token works: AWS accepts it for Logout.
    expect((await run(['logout'])).stderr).toContain('session ended at AWS');
    expect(opCount(emu, 'Logout')).toBe(1);
  });

  it('ignores an AWS CLI token for another portal or one that has expired', async () => {
    const { run, sandbox } = await signedInSandbox({ config: ssoConfig(), login: false });
    const token = { region: 'us-east-1', accessToken: 'x'.repeat(40), expiresAt: cliTime(Date.now() + 3600_000) };
    sandbox.write('.aws/sso/cache/a.json', JSON.stringify({ ...token, startUrl: 'https://other.awsapps.com/start' }));
    sandbox.write(
      '.aws/sso/cache/b.json',
      JSON.stringify({ ...token, startUrl: START_URL, expiresAt: cliTime(Date.now() - 1000) }),
    );
    const result = await run(['login', '--use-device-code']);
    expect(result.stderr).toContain('✓ Logged in to sso-prod');
  });

  it('exports the session so that boto3 uses it with no login of its own', async () => {
    const { emu, env, run, sandbox } = await signedInSandbox({ config: ssoConfig(), login: false });
    const python = pythonWithBoto3();
    const login = await run(['login', '--use-device-code', '--export-aws-cli-cache']);
    expect(login.stderr).toContain('exported for the AWS CLI and SDKs as sso-session sso-prod');

    const [account] = emu.org.accounts;
    const role = account!.roles[0]!.name;
    const config = sandbox.write(
      '.aws/config',
      `[profile dev]\nsso_session = sso-prod\nsso_account_id = ${account!.id}\nsso_role_name = ${role}\nregion = us-east-1\n\n[sso-session sso-prod]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
    const script =
      "import boto3, json; print(json.dumps(boto3.Session(profile_name='dev').client('sts').get_caller_identity()))";
    const result = await startProcess(python, ['-c', script], {
      env: { ...sandbox.env, ...env, AWS_CONFIG_FILE: config },
    }).done;
    expect(result.stderr).toBe('');
    const identity = JSON.parse(result.stdout);
    expect(identity.Account).toBe(account!.id);
    expect(identity.Arn).toMatch(
      new RegExp(`^arn:aws:sts::${account!.id}:assumed-role/AWSReservedSSO_${role}_[0-9a-f]{16}/`),
    );
    expect(opCount(emu, 'CreateToken')).toBe(1);
  });
});
