import { lookupIdentity } from '../auth/identities/lookup.js';
import type { RolecallConfig } from '../config/schema.js';
import { usageError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import { fuzzyFilter } from './fuzzy.js';
import { pickOne } from './pick.js';

const LISTED = 10;

/**
 * The identity a command runs as: `--identity` > `ROLECALL_IDENTITY` > the one marked `default: true`
 * > a type-to-filter picker on a terminal (unless `ask` is false) > a usage error. A name is matched
 * exactly, else case-insensitively when that is unambiguous; a name that matches nothing is an error
 * that names the closest ones.
 */
export async function selectIdentity(
  ctx: CommandContext,
  config: RolecallConfig,
  flag: string | undefined,
  { ask = true }: { ask?: boolean } = {},
): Promise<string> {
  const identities = config.auth?.identities ?? {};
  const names = Object.keys(identities);
  const fromEnv = ctx.env['ROLECALL_IDENTITY'] || undefined;
  const requested = flag ?? fromEnv;
  if (requested !== undefined && requested.trim() === '') {
    throw usageError('identity.empty', '--identity was given an empty name', 'give a name from `rolecall list`');
  }
  if (requested !== undefined) {
    const source = flag !== undefined ? `--identity ${requested}` : `ROLECALL_IDENTITY=${requested}`;
    const found = lookupIdentity(names, requested);
    if ('name' in found) return found.name;
    if ('ambiguous' in found) {
      throw usageError(
        'identity.ambiguous',
        `${source} matches ${found.ambiguous.length} identities that differ only in case: ${found.ambiguous.join(', ')}`,
        'give the name exactly as `rolecall list` shows it',
      );
    }
    throw usageError(
      'identity.unknown',
      names.length === 0
        ? `${source}: no identities are configured`
        : `${source}: no such identity${found.suggestions.length ? `; did you mean ${found.suggestions.join(', ')}?` : ''}`,
      names.length === 0
        ? 'run `rolecall login` to discover your identities, or add some under auth.identities'
        : 'run `rolecall list` to see every identity',
    );
  }
  const defaultIdentity = names.find((name) => identities[name]?.default === true);
  if (defaultIdentity !== undefined) return defaultIdentity;
  if (names.length === 0) {
    throw usageError(
      'identity.none',
      'no identities are configured',
      'run `rolecall login` to discover your identities, or add some under auth.identities',
    );
  }
  if (ask && process.stdin.isTTY && ctx.stderr.isTTY) {
    return pickOne(ctx, 'identity', names, '--identity', { filter: fuzzyFilter, pageSize: 12 });
  }
  const listed = names.slice(0, LISTED).join(', ') + (names.length > LISTED ? `, … (${names.length} in all)` : '');
  throw usageError(
    'identity.not-chosen',
    `no identity chosen; configured: ${listed}`,
    'choose one with --identity NAME or ROLECALL_IDENTITY, or mark one `default: true`',
  );
}
