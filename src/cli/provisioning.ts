import type { ProvisionResult } from '../auth/providers/aws-sso/provision.js';
import type { SsoSession } from '../auth/providers/aws-sso/records.js';
import { discardRejectedSession, type SessionDeps } from '../auth/providers/aws-sso/session.js';
import { precompileConfig } from '../config/load.js';
import type { IdentityCenterProviderConfig } from '../config/schema.js';
import { isRolecallError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import { colors } from './render/colors.js';
import { progressLine } from './render/progress.js';

/**
 * Runs discovery for a provider with a progress line on a terminal and prints the summary. Any failure
 * is a warning and leaves the previous file as it was (login still succeeds); `strict` (the
 * `provision` command) rethrows it instead, for the exit code.
 */
export async function provisionWithFeedback(
  ctx: CommandContext,
  input: { providerName: string; provider: IdentityCenterProviderConfig; session: SsoSession; deps: SessionDeps },
  options: { strict: boolean; quiet: boolean },
): Promise<ProvisionResult | undefined> {
  const c = colors(ctx.globals.color.stderr);
  const progress = progressLine(ctx.stderr);
  ctx.log.setBeforeWrite(progress.clear);
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.on('SIGINT', onInterrupt);
  try {
    const { provisionIdentities } = await import('../auth/providers/aws-sso/provision.js');
    const result = await provisionIdentities({
      ...input,
      signal: abort.signal,
      onProgress: (state) =>
        progress.update(
          `Discovering identities of ${input.providerName}: ${state.accountsDone}/${state.accountsListed}${state.listingComplete ? '' : '+'} accounts${state.throttled ? c.yellow(`, throttled ${state.throttled}x`) : ''}`,
        ),
    });
    progress.done();
    if (!options.quiet) report(ctx, result, c);
    if (result.keptPrevious === undefined) await precompileConfig(ctx, input.deps.dirs);
    return result;
  } catch (error) {
    progress.done();
    if (isRolecallError(error) && error.code === 'session.invalid') {
      // AWS ended the session while its token had time left: forget it, so the next login signs in.
      const portal = { startUrl: input.provider.start_url, region: input.provider.region };
      await discardRejectedSession(portal, input.deps, input.session.accessToken);
    }
    if (options.strict) throw error;
    const message = isRolecallError(error) ? error.message : (error as Error).message;
    ctx.log.warn(`could not discover the identities of ${input.providerName} (${message}); the previous ones are kept`);
    if (isRolecallError(error) && error.hint) ctx.log.warn(`  ${error.hint}`);
    return undefined;
  } finally {
    ctx.log.setBeforeWrite(undefined);
    process.removeListener('SIGINT', onInterrupt);
  }
}

function report(ctx: CommandContext, result: ProvisionResult, c: ReturnType<typeof colors>): void {
  for (const collision of result.collisions) {
    ctx.log.warn(
      `accounts ${collision.accountIds.join(', ')} share the name "${collision.name}": their identities are named "${collision.name} (<account id>)/..."`,
    );
  }
  for (const failed of result.failedAccounts) {
    ctx.log.warn(
      `roles of account ${failed.name} (${failed.id}) could not be listed (${failed.error}); its previous identities are kept, marked stale`,
    );
  }
  if (result.byAnotherProcess) {
    ctx.stderr.write(
      `${c.green('✓')} ${result.provider}: identities were just provisioned by another rolecall process\n`,
    );
    return;
  }
  if (result.keptPrevious) {
    ctx.log.warn(`${result.provider}: ${result.keptPrevious}`);
    return;
  }
  const changes = [
    result.added.length ? c.green(`+${result.added.length} new`) : '',
    result.removed.length ? c.red(`-${result.removed.length} removed`) : '',
  ]
    .filter(Boolean)
    .join(', ');
  const failed = result.failedAccounts.length ? c.yellow(`, ${result.failedAccounts.length} account(s) failed`) : '';
  ctx.stderr.write(
    `${c.green('✓')} Provisioned ${result.identities} identities across ${result.accounts} accounts (${(result.durationMs / 1000).toFixed(1)}s)${failed}${changes ? `   ${changes}` : ''}\n`,
  );
}
