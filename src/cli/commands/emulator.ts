import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, RolecallError, usageError } from '../../core/errors.js';
import {
  describeOrg,
  type Emulator,
  generateOrg,
  isLoopbackAddress,
  type Org,
  OrgError,
  parseOrg,
  type RequestLogEntry,
  sampleOrg,
  startEmulator,
} from '../../emulator/index.js';
import type { CommandContext, CommandRun } from '../context.js';

/** As commander hands them over: strings, checked here. */
export interface EmulatorOptions {
  port?: string;
  host?: string;
  org?: string;
  accounts?: string;
  roles?: string;
  autoApprove?: boolean;
  latency?: string;
  rateLimit?: string;
  pageSize?: string;
  tokenTtl?: string;
  credentialTtl?: string;
}

const SAMPLE_START_URL = 'https://d-9067000000.awsapps.com/start';

const integerOption = (value: string | undefined, flag: string, min: number, max: number): number | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw usageError('emulator.invalid-option', `${flag} must be an integer ${min}-${max}, not "${value}"`);
  }
  return number;
};

const rateOption = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate <= 0) {
    throw usageError(
      'emulator.invalid-option',
      `--rate-limit must be a number of requests per second above 0, not "${value}"`,
      'leave --rate-limit out to serve without a limit',
    );
  }
  return rate;
};

const loadOrg = async (options: EmulatorOptions, cwd: string): Promise<Org> => {
  const accounts = integerOption(options.accounts, '--accounts', 1, 100_000);
  const roles = integerOption(options.roles, '--roles', 1, 100);
  if (options.org === undefined) {
    return accounts === undefined && roles === undefined ? sampleOrg() : generateOrg(accounts ?? 10, roles ?? 4);
  }
  if (accounts !== undefined || roles !== undefined) {
    throw usageError('emulator.conflicting-options', '--org cannot be combined with --accounts or --roles');
  }
  let text: string;
  try {
    text = await readFile(resolve(cwd, options.org), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw usageError('emulator.org-unreadable', `cannot read the org file ${options.org}: ${reason}`);
  }
  try {
    return parseOrg(text, options.org);
  } catch (error) {
    if (!(error instanceof OrgError)) throw error;
    throw usageError('emulator.invalid-org', error.message, 'docs/emulator.md describes the org file format');
  }
};

const banner = (emulator: Emulator, autoApprove: boolean): string => {
  const { url } = emulator;
  const signIn = autoApprove
    ? 'sign-ins are approved at once (--auto-approve)'
    : `approve sign-ins at ${url}/device (device codes) or on the page /authorize shows`;
  return `rolecall emulator listening on ${url}

Point AWS SDKs and CLIs at it:
${Object.entries(emulator.env)
  .map(([name, value]) => `  export ${name}=${value}`)
  .join('\n')}

Organisation: ${describeOrg(emulator.org)}
Sign-in: ${signIn}
Console federation: ${url}/federation
Controls (stats, faults, approvals): ${url}/_emulator/stats and the other routes in docs/emulator.md

A rolecall config for it (any start URL works; this one passes AWS CLI checks):
auth:
  providers:
    emulator:
      kind: aws/iam-identity-center
      start_url: ${SAMPLE_START_URL}
      region: us-east-1
      auto_provision_identities: true

Stop with Ctrl-C.
`;
};

const logRequest =
  (ctx: CommandContext) =>
  (entry: RequestLogEntry): void => {
    const line = `${entry.method} ${entry.path} ${entry.operation} ${entry.status} ${entry.durationMs} ms`;
    if (entry.error === undefined) ctx.log.debug(line);
    else ctx.log.error(`${line}: ${entry.error}`);
  };

const untilSignalled = (): Promise<NodeJS.Signals> =>
  new Promise((resolveSignal) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveSignal(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

/** Serves the emulator until SIGINT or SIGTERM, then closes it and exits 0. */
export const run: CommandRun<EmulatorOptions> = async (ctx, options) => {
  const port = integerOption(options.port, '--port', 0, 65_535) ?? 0;
  const host = options.host ?? '127.0.0.1';
  if (host.trim() === '') throw usageError('emulator.invalid-option', '--host must be an address such as 127.0.0.1');
  const autoApprove = options.autoApprove ?? false;
  const settings = {
    port,
    host,
    autoApprove,
    org: await loadOrg(options, ctx.cwd),
    latencyMs: integerOption(options.latency, '--latency', 0, 600_000),
    rateLimit: rateOption(options.rateLimit),
    pageSize: integerOption(options.pageSize, '--page-size', 1, 100),
    tokenTtl: integerOption(options.tokenTtl, '--token-ttl', 1, 7 * 24 * 3600),
    credentialTtl: integerOption(options.credentialTtl, '--credential-ttl', 1, 43_200),
    onRequest: logRequest(ctx),
  };

  let emulator: Emulator;
  try {
    emulator = await startEmulator(settings);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RolecallError('emulator.listen-failed', `cannot listen on ${host}:${port}: ${code ?? String(error)}`, {
      hint: code === 'EADDRINUSE' ? 'choose another --port, or --port 0 for a free one' : 'check --host and --port',
      cause: error,
    });
  }
  const stopped = untilSignalled();
  ctx.stdout.write(banner(emulator, autoApprove));
  if (!isLoopbackAddress(host)) {
    ctx.log.warn(`listening on ${host}: other hosts can reach this emulator and everything it serves`);
  }
  await stopped;
  await emulator.close();
  return ExitCode.ok;
};
