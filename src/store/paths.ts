import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';

/** The four folders rolecall keeps state in. */
export interface StateDirs {
  platform: NodeJS.Platform;
  config: string;
  cache: string;
  state: string;
  data: string;
}

export interface PlatformEnv {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

const APP = 'rolecall';

/**
 * XDG base directories on Linux and macOS (an unset or relative XDG variable falls back to its
 * standard default, as the spec says); `%LOCALAPPDATA%\rolecall\...` on Windows.
 */
export function stateDirs({ platform, env, home }: PlatformEnv): StateDirs {
  if (platform === 'win32') {
    const base = env['LOCALAPPDATA'] || win32.join(home, 'AppData', 'Local');
    const app = win32.join(base, APP);
    return {
      platform,
      config: win32.join(app, 'config'),
      cache: win32.join(app, 'cache'),
      state: win32.join(app, 'state'),
      data: win32.join(app, 'data'),
    };
  }
  const xdg = (name: string, fallback: string[]): string => {
    const value = env[name];
    return posix.join(value && posix.isAbsolute(value) ? value : posix.join(home, ...fallback), APP);
  };
  return {
    platform,
    config: xdg('XDG_CONFIG_HOME', ['.config']),
    cache: xdg('XDG_CACHE_HOME', ['.cache']),
    state: xdg('XDG_STATE_HOME', ['.local', 'state']),
    data: xdg('XDG_DATA_HOME', ['.local', 'share']),
  };
}

/**
 * A provider name as one safe path segment. Provider names come from user config; this keeps
 * `../x`, separators, control characters and reserved Windows names from escaping the folder.
 * The writer of provisioned files, their loader and logout all go through this one function.
 */
export function providerDirName(provider: string): string {
  const cleaned = provider.replace(/[^A-Za-z0-9._-]/g, (ch) => `%${ch.codePointAt(0)!.toString(16).padStart(2, '0')}`);
  const safe =
    /^\.*$/.test(cleaned) || /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(cleaned) ? `_${cleaned}` : cleaned;
  if (safe.length <= MAX_SEGMENT) return safe;
  // Two long names that share a prefix must still get two folders.
  const digest = createHash('sha256').update(provider).digest('hex').slice(0, 16);
  return `${safe.slice(0, MAX_SEGMENT - 17)}-${digest}`;
}

const MAX_SEGMENT = 120;

export function provisionedFilePath(dirs: StateDirs, provider: string): string {
  const path = dirs.platform === 'win32' ? win32 : posix;
  return path.join(dirs.cache, 'auth', providerDirName(provider), 'provisioned-identities.yaml');
}
