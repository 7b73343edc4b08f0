import { createInterface } from 'node:readline';
import { createInterface as createPrompt } from 'node:readline/promises';
import { userKeysKey } from '../../auth/identities/credentials.js';
import { loadConfig } from '../../config/load.js';
import { ExitCode, RolecallError, usageError } from '../../core/errors.js';
import { registerSecret } from '../../core/log.js';
import type { CommandContext, CommandRun } from '../context.js';
import { dirsFor } from '../dirs.js';
import { colors } from '../render/colors.js';
import { selectIdentity } from '../select-identity.js';
import { sessionDeps } from '../session-deps.js';

interface UserKeysOptions {
  identity?: string;
  fromEnv?: boolean;
  delete?: boolean;
}

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** Keeps (or deletes) an `aws/user` identity's access keys in the secure store. */
export const run: CommandRun<UserKeysOptions> = async (ctx, options) => {
  const { config } = await loadConfig(ctx, dirsFor(ctx));
  const name = await selectIdentity(ctx, config, options.identity);
  if (config.auth?.identities?.[name]?.kind !== 'aws/user') {
    throw usageError(
      'user-keys.kind',
      `identity ${name} is not an aws/user identity; only those have keys of their own`,
      'name an identity of kind aws/user',
    );
  }
  const { store } = await sessionDeps(ctx, config);
  const key = userKeysKey(name);
  const c = colors(ctx.globals.color.stderr);
  if (options.delete) {
    await store.delete(key);
    ctx.stderr.write(`${c.green('✓')} Deleted the stored keys of ${c.bold(name)}\n`);
    return 0;
  }
  const keys = options.fromEnv ? keysFromEnv(ctx) : await keysFromPerson(ctx);
  if (!ACCESS_KEY_ID.test(keys.accessKeyId) || keys.secretAccessKey.length < 16) {
    throw usageError(
      'user-keys.malformed',
      'that does not look like an access key id and secret access key',
      'give the AKIA… id first, then the secret, as the IAM console showed them',
    );
  }
  await store.set(key, JSON.stringify(keys));
  ctx.stderr.write(`${c.green('✓')} Stored the keys of ${c.bold(name)} in the ${store.kind} store\n`);
  return 0;
};

function keysFromEnv(ctx: CommandContext) {
  const accessKeyId = ctx.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = ctx.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) {
    throw usageError(
      'user-keys.env',
      '--from-env needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to be set',
      'set both, or leave out --from-env to be asked',
    );
  }
  registerSecret(secretAccessKey);
  return { accessKeyId, secretAccessKey };
}

/** On a terminal, asked for (the secret hidden); otherwise two lines on stdin: the id, then the secret. */
async function keysFromPerson(ctx: CommandContext) {
  if (process.stdin.isTTY && ctx.stderr.isTTY) {
    const asking = createPrompt({ input: process.stdin, output: ctx.stderr });
    const accessKeyId = (await asking.question('Access key id: ')).trim();
    asking.close();
    const { default: password } = await import('@inquirer/password');
    try {
      const secretAccessKey = (
        await password({ message: 'Secret access key:', mask: true }, { output: ctx.stderr })
      ).trim();
      registerSecret(secretAccessKey);
      return { accessKeyId, secretAccessKey };
    } catch {
      throw new RolecallError('user-keys.cancelled', 'no keys entered', { exitCode: ExitCode.interrupted });
    }
  }
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim()) lines.push(line.trim());
    if (lines.length === 2) break;
  }
  if (lines.length < 2) {
    throw usageError(
      'user-keys.stdin',
      'expected two lines on stdin: the access key id, then the secret access key',
      'pipe them in, or run on a terminal to be asked',
    );
  }
  registerSecret(lines[1]!);
  return { accessKeyId: lines[0]!, secretAccessKey: lines[1]! };
}
