import { homedir } from 'node:os';
import {
  isUserKeysKey,
  parseCachedCredentials,
  parseUserKeys,
  REUSE_WHILE_MS,
  timeLeftMs,
} from '../auth/identities/credentials.js';
import { type ConfigSources, sourcesUnchanged } from '../config/compiled.js';
import { findConfigFile } from '../config/discover.js';
import { createLogger } from '../core/log.js';
import { credentialProcessOutput } from '../run/credential-process-output.js';
import { DEFAULT_IDENTITY, decisiveEnv, readCredentialIndex } from '../store/credential-index.js';
import { createFileStore } from '../store/file-store.js';
import { stateDirs } from '../store/paths.js';
import { openSecureStore } from '../store/secure-store.js';

interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** `[--config F] credential-process [--identity I]` and nothing else; anything more goes the full way. */
function parseArgv(argv: string[]): { config?: string; identity?: string } | undefined {
  const parsed: { config?: string; identity?: string; command?: boolean } = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === 'credential-process' && !parsed.command) parsed.command = true;
    else if (arg === '--no-color') continue;
    else {
      const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
      const key = flag === '--config' ? 'config' : flag === '--identity' && parsed.command ? 'identity' : undefined;
      const value = inline ?? argv[++index];
      if (!key || value === undefined || parsed[key] !== undefined) return undefined;
      parsed[key] = value;
    }
  }
  return parsed.command ? parsed : undefined;
}

const sameEntries = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * `rolecall credential-process` answered from the cache alone, without the CLI framework, the
 * configuration, the YAML parser or the AWS SDK: the AWS SDKs run it afresh on every refresh, and most
 * runs find credentials that still hold. True when it answered; false sends the run the full way (a
 * cache miss, credentials about to expire, a changed configuration or environment, logs asked for).
 */
export async function answerFromCache(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  streams: Streams,
): Promise<boolean> {
  const parsed = parseArgv(argv);
  const identity = parsed?.identity ?? (env['ROLECALL_IDENTITY'] || DEFAULT_IDENTITY);
  // Asked to tell what it does: the full way logs it.
  const verbose = ['debug', 'info'].includes(env['ROLECALL_LOG_LEVEL'] ?? '');
  if (!parsed || verbose) return false;
  const dirs = stateDirs({ platform: process.platform, env, home: env['HOME'] || homedir() });
  try {
    const location = findConfigFile({ flag: parsed.config, env, cwd, userConfigDir: dirs.config });
    const log = createLogger('warn', streams.stderr);
    const entry = location && readCredentialIndex(dirs, location.file, identity, log);
    if (!entry || !sameEntries(entry.env, decisiveEnv(env))) return false;
    if (entry.expiration !== undefined && Date.parse(entry.expiration) - Date.now() <= REUSE_WHILE_MS) return false;
    if (!(await sourcesUnchanged(entry.sources as ConfigSources))) return false;
    const store =
      entry.store === 'file'
        ? createFileStore(dirs, log)
        : await openSecureStore({ type: 'system', dirs, log, env: { ...env, ROLECALL_KEYRING: 'system' } });
    if (store.kind !== entry.store) return false;
    const stored = await store.get(entry.storeKey);
    const credentials = isUserKeysKey(entry.storeKey) ? parseUserKeys(stored) : parseCachedCredentials(stored);
    if (!credentials || timeLeftMs(credentials, Date.now()) <= REUSE_WHILE_MS) return false;
    streams.stdout.write(credentialProcessOutput(credentials));
    return true;
  } catch {
    // Whatever went wrong here, the full way reports it properly.
    return false;
  }
}
