import { expect } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { type CliResult, closeWhenDone, type RunningProcess, Sandbox } from './cli.js';

/** A start URL on an AWS-owned domain, as real clients insist on; the emulator accepts any. */
export const START_URL = 'https://d-9067000000.awsapps.com/start';

const providerEntry = (name: string, autoProvision = false) =>
  `    ${name}:\n      kind: aws/iam-identity-center\n      start_url: ${START_URL}\n      region: us-east-1\n${
    autoProvision ? '      auto_provision_identities: true\n' : ''
  }`;

export const ssoConfig = (providers: string[] = ['sso-prod'], extra = '') =>
  `auth:\n  providers:\n${providers.map((name) => providerEntry(name)).join('')}${extra}`;

/**
 * The provider `sso-prod` at START_URL, discovering its identities at login with `autoProvision`, then
 * `extra` as it is: more providers, or `  identities:`.
 */
export function providerConfig(options: { autoProvision?: boolean; extra?: string } = {}): string {
  return `auth:\n  providers:\n${providerEntry('sso-prod', options.autoProvision)}${options.extra ?? ''}`;
}

/** A manual identity whose name every quoting layer could get wrong: quotes, `$`, backticks, a backslash, accents. */
export const HOSTILE_IDENTITY = "dev's $HOME `x` \\ ünï";

/** The discovered identities, and HOSTILE_IDENTITY: Deployer in 333333333333, assumed from production/AdministratorAccess. */
export const HOSTILE_IDENTITY_CONFIG = providerConfig({
  autoProvision: true,
  extra: `  identities:
    ${JSON.stringify(HOSTILE_IDENTITY)}:
      kind: aws/assume-role
      via: { identity: production/AdministratorAccess }
      principal: { assume_role: "arn:aws:iam::333333333333:role/Deployer", session_name: interop }
`,
});

/**
 * The emulator in this process, and the environment that points the CLI's AWS clients at it. It is
 * closed after the test that started it (started in a beforeAll, after the file's tests).
 */
export async function emulator(options: EmulatorOptions = {}): Promise<{ emu: Emulator; env: NodeJS.ProcessEnv }> {
  const emu = await startEmulator(options);
  closeWhenDone(emu);
  return {
    emu,
    env: { ...emu.env, ROLECALL_KEYRING: 'file' },
  };
}

export interface SignedInSandbox {
  emu: Emulator;
  /** What `run` and `start` give the CLI on top of the sandbox's own: the emulator's and `options.env`. */
  env: NodeJS.ProcessEnv;
  sandbox: Sandbox;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  start(args: string[], extraEnv?: NodeJS.ProcessEnv): RunningProcess;
  /** What `rolecall login --use-device-code` answered; undefined with `login: false`. */
  login: CliResult | undefined;
}

/**
 * A sandbox whose rolecall.yaml is `config`, its CLI pointed at an emulator that approves every sign-in
 * at once, and signed in (unless `login: false`). The emulator's counts start after the login, so
 * that those a test reads are its own.
 */
export async function signedInSandbox(options: {
  config: string;
  /** On top of `autoApprove: true`. */
  emulator?: EmulatorOptions;
  login?: boolean;
  /** One made earlier: while a describe block is collected, or for a second emulator on the same home. */
  sandbox?: Sandbox;
  /** More variables for every run, the login included. */
  env?: NodeJS.ProcessEnv;
}): Promise<SignedInSandbox> {
  const started = await emulator({ autoApprove: true, ...options.emulator });
  const { emu } = started;
  const env = { ...started.env, ...options.env };
  const sandbox = options.sandbox ?? new Sandbox();
  sandbox.write('rolecall.yaml', options.config);
  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => sandbox.run(args, { env: { ...env, ...extraEnv } });
  const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    sandbox.start(args, { env: { ...env, ...extraEnv } });
  let login: CliResult | undefined;
  if (options.login !== false) {
    login = await run(['login', '--use-device-code']);
    expect(login.code, login.stderr).toBe(0);
    emu.resetStats();
  }
  return { emu, env, sandbox, run, start, login };
}

export const opCount = (emu: Emulator, operation: string) =>
  emu.stats().requests[operation as keyof ReturnType<Emulator['stats']>['requests']] ?? 0;
