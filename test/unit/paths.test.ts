import { describe, expect, it } from 'vitest';
import { providerDirName, provisionedFilePath, stateDirs } from '../../src/store/paths.js';

describe('state folders', () => {
  it('follow the XDG variables on Linux', () => {
    const dirs = stateDirs({
      platform: 'linux',
      home: '/home/ann',
      env: { XDG_CONFIG_HOME: '/cfg', XDG_CACHE_HOME: '/cache', XDG_STATE_HOME: '/state', XDG_DATA_HOME: '/data' },
    });
    expect(dirs).toEqual({
      platform: 'linux',
      config: '/cfg/rolecall',
      cache: '/cache/rolecall',
      state: '/state/rolecall',
      data: '/data/rolecall',
    });
  });

  it.each(['linux', 'darwin'] as const)('fall back to the XDG defaults under HOME on %s', (platform) => {
    const dirs = stateDirs({
      platform,
      home: '/home/ann',
      env: { XDG_CACHE_HOME: '', XDG_STATE_HOME: 'relative/state' },
    });
    expect(dirs).toEqual({
      platform,
      config: '/home/ann/.config/rolecall',
      cache: '/home/ann/.cache/rolecall',
      state: '/home/ann/.local/state/rolecall',
      data: '/home/ann/.local/share/rolecall',
    });
  });

  it('live under %LOCALAPPDATA% on Windows', () => {
    const dirs = stateDirs({
      platform: 'win32',
      home: 'C:\\Users\\ann',
      env: { LOCALAPPDATA: 'D:\\Local', XDG_CACHE_HOME: '/ignored' },
    });
    expect(dirs).toEqual({
      platform: 'win32',
      config: 'D:\\Local\\rolecall\\config',
      cache: 'D:\\Local\\rolecall\\cache',
      state: 'D:\\Local\\rolecall\\state',
      data: 'D:\\Local\\rolecall\\data',
    });
    const fallback = stateDirs({ platform: 'win32', home: 'C:\\Users\\ann', env: {} });
    expect(fallback.cache).toBe('C:\\Users\\ann\\AppData\\Local\\rolecall\\cache');
    expect(provisionedFilePath(dirs, 'sso-prod')).toBe(
      'D:\\Local\\rolecall\\cache\\auth\\sso-prod\\provisioned-identities.yaml',
    );
  });

  it('put provisioned files in one folder per provider', () => {
    const dirs = stateDirs({ platform: 'linux', home: '/h', env: {} });
    expect(provisionedFilePath(dirs, 'sso-prod')).toBe('/h/.cache/rolecall/auth/sso-prod/provisioned-identities.yaml');
  });
});

describe('provider folder names', () => {
  it.each([
    ['sso-prod', 'sso-prod'],
    ['../../etc', '..%2f..%2fetc'],
    ['..', '_..'],
    ['a/b\\c', 'a%2fb%5cc'],
    ['new\nline', 'new%0aline'],
    ['CON', '_CON'],
    ['prod ünï', 'prod%20%fcn%ef'],
  ])('keep %j inside its folder as %j', (name, folder) => {
    expect(providerDirName(name)).toBe(folder);
  });

  it('tell apart long names that share a prefix', () => {
    const long = 'p'.repeat(300);
    const a = providerDirName(`${long}-a`);
    const b = providerDirName(`${long}-b`);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(120);
  });
});
