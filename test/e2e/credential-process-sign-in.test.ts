import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { cliPath, Sandbox, startProcess } from '../support/cli.js';
import { emulator, opCount, providerConfig } from '../support/emulator.js';

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

const CONFIG = providerConfig({
  extra: `  identities:
    deployer:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: DeployerAccess, account: { id: "222222222222" } }
`,
});

describe('credential-process with no session, as an AWS SDK runs it from a terminal', () => {
  it('signs in once with a device code shown on the terminal, for five processes at once, opening one browser at most', async () => {
    const { emu, env } = await emulator({ autoApprove: true });
    running.push(emu);
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', CONFIG);
    const browser = sandbox.write('browser.sh', `#!/bin/sh\necho "$1" >> "${sandbox.path('browser.log')}"\n`);
    chmodSync(browser, 0o755);
    // As an SDK does: stdout and stderr captured, the person's terminal reachable only as /dev/tty.
    const calls = [1, 2, 3, 4, 5]
      .map((n) => `${process.execPath} ${cliPath} credential-process --identity deployer >out${n} 2>err${n} &`)
      .join(' ');
    const terminal = startProcess('script', ['-qec', `${calls} wait`, '/dev/null'], {
      cwd: sandbox.home,
      env: { ...sandbox.env, ...env, BROWSER: browser },
      stdin: 'pipe',
    });
    const { code, stdout: screen } = await terminal.done;
    expect(code).toBe(0);

    const outputs = [1, 2, 3, 4, 5].map((n) => readFileSync(sandbox.path(`out${n}`), 'utf8'));
    for (const output of outputs)
      expect(JSON.parse(output)).toMatchObject({ Version: 1, AccessKeyId: expect.any(String) });
    expect(new Set(outputs).size).toBe(1);
    // The code was shown on the terminal, once; the captured stderr stayed free of it.
    expect(screen.match(/check that it shows the code/g)).toHaveLength(1);
    for (const n of [1, 2, 3, 4, 5]) expect(readFileSync(sandbox.path(`err${n}`), 'utf8')).not.toContain('code');
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(1);
    const opened = existsSync(sandbox.path('browser.log')) ? readFileSync(sandbox.path('browser.log'), 'utf8') : '';
    expect(opened.split('\n').filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(1);
  });
});
