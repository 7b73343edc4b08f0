import { describe, expect, it } from 'vitest';
import { childEnvironment, INHERITED_AWS_VARIABLES } from '../../src/run/child-env.js';

const parent = {
  PATH: '/usr/bin',
  AWS_ACCESS_KEY_ID: 'AKIAINHERITED',
  AWS_SECRET_ACCESS_KEY: 'inherited-secret',
  AWS_SESSION_TOKEN: 'inherited-token',
  AWS_SECURITY_TOKEN: 'inherited-token',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/token',
  AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/Other',
  AWS_ROLE_SESSION_NAME: 'other',
  AWS_PROFILE: 'other',
  AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1',
};

describe('childEnvironment', () => {
  it('gives a profile-based identity and removes every inherited credential', () => {
    const env = childEnvironment(parent, {
      identity: 'prod/Admin',
      region: 'eu-west-1',
      profile: { name: 'prod/Admin', configFile: '/run/config', credentialsFile: '/run/credentials' },
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1',
      AWS_CONFIG_FILE: '/run/config',
      AWS_SHARED_CREDENTIALS_FILE: '/run/credentials',
      AWS_PROFILE: 'prod/Admin',
      AWS_SDK_LOAD_CONFIG: '1',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      ROLECALL_IDENTITY: 'prod/Admin',
    });
  });

  it('puts static keys in place of the profile when asked', () => {
    const env = childEnvironment(parent, {
      identity: 'prod/Admin',
      region: 'us-east-1',
      keys: { accessKeyId: 'ASIANEW', secretAccessKey: 'new-secret', sessionToken: 'new-token', expiration: 'E' },
    });
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'ASIANEW',
      AWS_SECRET_ACCESS_KEY: 'new-secret',
      AWS_SESSION_TOKEN: 'new-token',
      AWS_CREDENTIAL_EXPIRATION: 'E',
    });
    for (const name of ['AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SECURITY_TOKEN', 'AWS_ROLE_ARN']) {
      expect(env[name]).toBeUndefined();
    }
  });

  it('names every variable the contract says a child must not inherit', () => {
    expect(INHERITED_AWS_VARIABLES).toEqual(
      expect.arrayContaining([
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_SECURITY_TOKEN',
        'AWS_PROFILE',
        'AWS_WEB_IDENTITY_TOKEN_FILE',
        'AWS_ROLE_ARN',
        'AWS_ROLE_SESSION_NAME',
      ]),
    );
  });
});
