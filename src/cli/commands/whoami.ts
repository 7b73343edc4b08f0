import { getCallerIdentity } from '../../auth/identities/sts.js';
import type { CommandRun } from '../context.js';
import { withIdentityCredentials } from '../identity-credentials.js';
import { colors } from '../render/colors.js';
import { formatLocalTime, formatRemaining } from '../render/time.js';

/** Who the identity is at AWS (STS GetCallerIdentity) and how long its credentials last. */
export const run: CommandRun<{ identity?: string; format: 'text' | 'json' }> = async (ctx, options) => {
  const { resolved, caller } = await withIdentityCredentials(
    ctx,
    { identity: options.identity, caller: 'person' },
    async (resolved) => ({
      resolved,
      caller: await getCallerIdentity(resolved.credentials, resolved.chain.region, ctx.env),
    }),
  );
  const expiration = resolved.credentials.expiration;
  if (options.format === 'json') {
    const output = {
      identity: resolved.name,
      account: caller.account,
      arn: caller.arn,
      user_id: caller.userId,
      region: resolved.chain.region,
      expiration: expiration ?? null,
      credentials: resolved.source,
      duration_note: resolved.durationNote ?? null,
    };
    ctx.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  }
  const c = colors(ctx.globals.color.stdout);
  const rows: [string, string][] = [
    ['identity', c.bold(resolved.name)],
    ['account', caller.account],
    ['arn', caller.arn],
    ['user id', caller.userId],
    ['region', resolved.chain.region],
    [
      'expires',
      expiration
        ? `${formatLocalTime(expiration)} (in ${formatRemaining(Date.parse(expiration) - Date.now())})`
        : 'never (long-lived keys)',
    ],
  ];
  if (resolved.durationNote) rows.push(['note', c.yellow(resolved.durationNote)]);
  for (const [label, value] of rows) ctx.stdout.write(`${c.dim(label.padEnd(9))} ${value}\n`);
  return 0;
};
