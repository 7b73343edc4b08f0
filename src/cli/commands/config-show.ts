import { loadConfig } from '../../config/load.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';

interface ConfigShowOptions {
  format: 'yaml' | 'json';
  origins?: boolean;
}

/** The merged, validated configuration, optionally with the file:line:column of every value. */
export const run: CommandRun<ConfigShowOptions> = async (ctx, options) => {
  const loaded = await loadConfig(ctx, dirsFor(ctx));
  const origins = options.origins ? await loaded.origins() : undefined;
  const describe = (pointer: string) => {
    const at = origins?.get(pointer);
    return at ? `${at.file}:${at.line}:${at.column}` : undefined;
  };
  if (options.format === 'json') {
    const body = origins
      ? { config: loaded.config, origins: Object.fromEntries([...origins.keys()].map((key) => [key, describe(key)])) }
      : loaded.config;
    ctx.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const yaml = await import('../render/yaml.js');
  ctx.stdout.write(origins ? yaml.toYamlWithComments(loaded.config, describe) : yaml.toYaml(loaded.config));
  return 0;
};
