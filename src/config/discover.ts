import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';

/** A rolecall file is read whole; an atmos.yaml only for its `auth:` and `import:` keys. */
export type ConfigFlavour = 'rolecall' | 'atmos';

export interface ConfigLocation {
  file: string;
  flavour: ConfigFlavour;
  /** How it was found, for `rolecall validate` and error messages. */
  from: '--config' | 'ROLECALL_CONFIG' | 'working folder' | 'user config';
}

export const SEARCHED_NAMES = ['rolecall.yaml', '.rolecall.yaml', 'atmos.yaml'] as const;

export const flavourOf = (file: string): ConfigFlavour => (basename(file) === 'atmos.yaml' ? 'atmos' : 'rolecall');

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * `--config FILE` > `ROLECALL_CONFIG` > the first of rolecall.yaml, .rolecall.yaml, atmos.yaml in
 * the working folder or its ancestors > `<config dir>/config.yaml`. A file named explicitly must exist.
 */
export function findConfigFile(options: {
  flag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  userConfigDir: string;
}): ConfigLocation | undefined {
  const explicit: [string | undefined, ConfigLocation['from']][] = [
    [options.flag, '--config'],
    [options.env['ROLECALL_CONFIG'] || undefined, 'ROLECALL_CONFIG'],
  ];
  for (const [path, from] of explicit) {
    if (path === undefined) continue;
    const file = resolve(options.cwd, path);
    if (!isFile(file)) {
      throw usageError(
        'config.not-found',
        `config file ${file} (from ${from}) does not exist or is not a file`,
        from === '--config' ? 'check the path given to --config' : 'check the ROLECALL_CONFIG environment variable',
      );
    }
    return { file, flavour: flavourOf(file), from };
  }
  for (let dir = resolve(options.cwd); ; dir = dirname(dir)) {
    for (const name of SEARCHED_NAMES) {
      const file = join(dir, name);
      if (isFile(file)) return { file, flavour: flavourOf(file), from: 'working folder' };
    }
    if (dirname(dir) === dir) break;
  }
  const userFile = join(options.userConfigDir, 'config.yaml');
  return isFile(userFile) ? { file: userFile, flavour: 'rolecall', from: 'user config' } : undefined;
}
