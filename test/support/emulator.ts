import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

/** A start URL on an AWS-owned domain, as real clients insist on; the emulator accepts any. */
export const START_URL = 'https://d-9067000000.awsapps.com/start';

export const ssoConfig = (providers: string[] = ['sso-prod'], extra = '') =>
  `auth:\n  providers:\n${providers
    .map(
      (name) =>
        `    ${name}:\n      kind: aws/iam-identity-center\n      start_url: ${START_URL}\n      region: us-east-1\n`,
    )
    .join('')}${extra}`;

/** The emulator in this process, and the environment that points the CLI's AWS clients at it. */
export async function emulator(options: EmulatorOptions = {}): Promise<{ emu: Emulator; env: NodeJS.ProcessEnv }> {
  const emu = await startEmulator(options);
  return {
    emu,
    env: { ...emu.env, ROLECALL_KEYRING: 'file' },
  };
}

export const opCount = (emu: Emulator, operation: string) =>
  emu.stats().requests[operation as keyof ReturnType<Emulator['stats']>['requests']] ?? 0;
