import { readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { identityChain } from '../../auth/identities/chain.js';
import { rootProviderOf } from '../../config/identity-graph.js';
import { loadConfig } from '../../config/load.js';
import { isRolecallError, RolecallError, usageError } from '../../core/errors.js';
import {
  type ProfileEntry,
  profilesOutsideBlock,
  quoteCommand,
  renderProfiles,
  replaceManagedBlock,
  uniqueProfileNames,
} from '../../run/aws-config-file.js';
import { rolecallCommand } from '../../run/self.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { colors } from '../render/colors.js';

interface AwsConfigOptions {
  provider?: string;
  write?: string;
}

/**
 * One AWS CLI/SDK profile per identity, each fetching its credentials through `rolecall
 * credential-process`: printed, or written into a file between marker comments, so that running it
 * again replaces only rolecall's block.
 */
export const run: CommandRun<AwsConfigOptions> = async (ctx, options) => {
  const loaded = await loadConfig(ctx, dirsFor(ctx));
  const { config, location } = loaded;
  if (!location) {
    throw usageError(
      'config.none',
      'no configuration file was found',
      'run `rolecall login` after creating one (see docs/configuration.md)',
    );
  }
  const identities = config.auth?.identities ?? {};
  if (options.provider !== undefined && !(options.provider in (config.auth?.providers ?? {}))) {
    throw usageError(
      'provider.unknown',
      `--provider ${options.provider}: no such provider`,
      'run `rolecall list` to see the providers',
    );
  }
  const chosen = Object.keys(identities).filter(
    (name) => options.provider === undefined || rootProviderOf(name, identities) === options.provider,
  );
  // A config file that is a link (dotfile managers) is written where it points.
  const file = options.write === undefined ? undefined : realFile(resolve(ctx.cwd, options.write));
  const existing = file === undefined ? undefined : readExisting(file);
  const taken = existing === undefined || file === undefined ? new Set<string>() : profilesOutside(file, existing);
  const profileNames = uniqueProfileNames(chosen);
  const entries: ProfileEntry[] = [];
  const skipped: string[] = [];
  for (const name of chosen) {
    const profile = profileNames.get(name)!;
    let region: string;
    try {
      region = identityChain(config, name, ctx.env).region;
    } catch (error) {
      if (!isRolecallError(error)) throw error;
      skipped.push(`${name} (${error.message})`);
      continue;
    }
    if (taken.has(profile)) {
      skipped.push(`${name} (profile ${profile} is already defined outside rolecall's block)`);
      continue;
    }
    const command = [...rolecallCommand(), '--config', location.file, 'credential-process', '--identity', name];
    entries.push({
      name: profile,
      region,
      credentialProcess: quoteCommand(command, process.platform),
      comment: profile === name ? undefined : `rolecall identity ${name}`,
    });
  }
  for (const reason of skipped) ctx.log.warn(`No profile for identity ${reason}.`);
  const block = renderProfiles(entries);
  if (file === undefined) {
    ctx.stdout.write(replaceManagedBlock(undefined, block));
    return 0;
  }
  const text = withMarkers(file, () => replaceManagedBlock(existing, block));
  // An existing file keeps its mode; a new one is private.
  writeFileAtomic(file, text, existing === undefined ? 0o600 : statSync(file).mode & 0o777);
  const c = colors(ctx.globals.color.stderr);
  ctx.stderr.write(`${c.green('✓')} Wrote ${entries.length} profiles to ${file}\n`);
  return 0;
};

/** Runs `read`; marker comments that do not pair up are the user's to fix, and nothing is written. */
function withMarkers<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw usageError(
      'aws-config.markers',
      `${file}: ${(error as Error).message}`,
      "fix rolecall's marker comments in that file by hand; nothing was written",
    );
  }
}

const profilesOutside = (file: string, existing: string) => withMarkers(file, () => profilesOutsideBlock(existing));

function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function readExisting(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new RolecallError('aws-config.unreadable', `cannot read ${file} (${code})`, {
      hint: 'check the path given to --write',
    });
  }
}
