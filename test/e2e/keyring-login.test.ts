import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cliPath, startProcess } from '../support/cli.js';
import { opCount, signedInSandbox, ssoConfig } from '../support/emulator.js';
import { describeWithKeyring, keyringMissing, withKeyring } from '../support/keyring.js';

describeWithKeyring('login with the OS keyring (a real gnome-keyring Secret Service)', () => {
  it('keeps the session in the keyring, shared by the next process, and never in files', async () => {
    if (keyringMissing) throw new Error(`cannot test against a real Secret Service: ${keyringMissing}`);
    const { emu, env, sandbox } = await signedInSandbox({ config: ssoConfig(), login: false });
    const cli = (...args: string[]) => [JSON.stringify(process.execPath), JSON.stringify(cliPath), ...args].join(' ');
    // One keyring daemon for the three processes, as on a desktop.
    const script = [
      `${cli('login', '--use-device-code', '--log-level', 'debug')} 2>&1`,
      `${cli('login', '--log-level', 'debug')} 2>&1`,
      `${cli('logout')} 2>&1`,
    ].join(' && ');
    const result = await startProcess('dbus-run-session', ['--', 'bash', withKeyring, 'bash', '-c', script], {
      cwd: sandbox.home,
      env: { ...sandbox.env, ...env, ROLECALL_KEYRING: 'system', KEYRING_HOME: sandbox.home },
    }).done;

    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('debug: secure store: system keyring');
    expect(result.stdout).toContain('✓ Logged in to sso-prod');
    expect(result.stdout).toContain('✓ Already logged in to sso-prod');
    expect(result.stdout).toContain('✓ Logged out of sso-prod: session ended at AWS and deleted');
    expect(opCount(emu, 'CreateToken')).toBe(1);
    expect(existsSync(sandbox.path('.local', 'state', 'rolecall', 'secrets'))).toBe(false);
  });
});
