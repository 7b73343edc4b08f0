import { rmSync } from 'node:fs';
import { forgetPortalCredentials } from '../../auth/identities/forget.js';
import { logoutPortal } from '../../auth/providers/aws-sso/logout.js';
import { normalizeStartUrl, portalKey } from '../../auth/providers/aws-sso/portal.js';
import { chooseProvider } from '../../auth/select-provider.js';
import { loadConfig } from '../../config/load.js';
import type { IdentityCenterProviderConfig } from '../../config/schema.js';
import { usageError } from '../../core/errors.js';
import { provisionedFilePath } from '../../store/paths.js';
import type { CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { pickOne } from '../pick.js';
import { colors } from '../render/colors.js';
import { sessionDeps } from '../session-deps.js';

interface LogoutOptions {
  provider?: string;
  all?: boolean;
}

/**
 * Ends sessions and removes what they left: AWS's Logout, the stored token, the provisioned identities.
 * A session shared with a provider that stays logged in is kept. Running it twice is harmless.
 */
export const run: CommandRun<LogoutOptions> = async (ctx, options) => {
  if (options.all && options.provider)
    throw usageError('logout.flags', '--provider and --all exclude each other', 'use one of them');
  const { config } = await loadConfig(ctx, dirsFor(ctx));
  const sso = Object.entries(config.auth?.providers ?? {}).filter(
    (entry): entry is [string, IdentityCenterProviderConfig] => entry[1].kind === 'aws/iam-identity-center',
  );
  let names: string[];
  if (options.all) names = sso.map(([name]) => name);
  else {
    const choice = chooseProvider(config, options.provider);
    names = ['name' in choice ? choice.name : await pickOne(ctx, 'provider', choice.ask, '--provider or --all')];
  }

  const deps = await sessionDeps(ctx, config);
  const c = colors(ctx.globals.color.stderr);
  const portalOf = (provider: IdentityCenterProviderConfig) =>
    `${normalizeStartUrl(provider.start_url)}|${provider.region}`;
  const done = new Set<string>();
  for (const name of names) {
    const provider = sso.find(([other]) => other === name)?.[1];
    const notes: string[] = [];
    if (provider) {
      const portal = portalOf(provider);
      const sharing = sso.filter(([other, p]) => other !== name && portalOf(p) === portal).map(([other]) => other);
      const staying = sharing.filter((other) => !names.includes(other));
      if (staying.length > 0) {
        notes.push(`session kept: ${staying.join(', ')} use${staying.length === 1 ? 's' : ''} the same portal`);
      } else if (!done.has(portal)) {
        done.add(portal);
        const portalSpec = { startUrl: provider.start_url, region: provider.region };
        const result = await logoutPortal(portalSpec, [name, ...sharing], deps);
        const forgotten = await forgetPortalCredentials(portalKey(portalSpec), deps);
        if (result.remote === 'not-signed-in') notes.push('no session was stored');
        else if (result.remote === 'done') notes.push('session ended at AWS and deleted');
        else {
          notes.push('session deleted');
          ctx.log.warn(`could not end the session at AWS (${result.error}); the local copy is deleted`);
        }
        if (forgotten > 0) {
          notes.push(`cached credentials of ${forgotten} identit${forgotten === 1 ? 'y' : 'ies'} deleted`);
        }
      }
    }
    const provisioned = provisionedFilePath(deps.dirs, name);
    rmSync(provisioned, { force: true });
    ctx.stderr.write(`${c.green('✓')} Logged out of ${c.bold(name)}${notes.length ? `: ${notes.join('; ')}` : ''}\n`);
  }
  return 0;
};
