import { beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, Org } from '../../src/emulator/index.js';
import { type CliResult, type RunningProcess, Sandbox } from '../support/cli.js';
import { opCount, providerConfig, signedInSandbox } from '../support/emulator.js';

// The fuzzy identity picker (src/cli/select-identity.ts) in a real pseudo-terminal (`script`), fed keys
// through a pipe: `rolecall whoami` with no identity chosen, against the in-process emulator after a
// login that discovered 300 identities, so that what the picker chose shows in whoami's answer. Also the
// provisioning progress line, on a terminal and off one.

// 100 accounts named team-stage, three permission sets each: 300 identities such as `ledger-prod/PowerUserAccess`.
const TEAMS = ['payments', 'search', 'billing', 'identity', 'ledger', 'mobile', 'web', 'data', 'ml', 'infra'];
const STAGES = ['prod', 'staging', 'dev', 'sandbox', 'qa', 'perf', 'dr', 'audit', 'shared', 'edge'];
const ROLES = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'];
const ORG: Org = {
  user: 'alice@example.com',
  accounts: TEAMS.flatMap((team, t) =>
    STAGES.map((stage, s) => ({
      id: String(200_000_000_000 + t * 100 + s),
      name: `${team}-${stage}`,
      email: `${team}-${stage}@example.com`,
      roles: ROLES.map((name) => ({ name })),
    })),
  ),
};
const IDENTITIES = ORG.accounts.length * ROLES.length;
const accountId = (name: string) => ORG.accounts.find((account) => account.name === name)!.id;
const CONFIG = providerConfig({ autoProvision: true });

const KEY = { down: '\u001b[B', enter: '\r', escape: '\u001b', ctrlC: '\u0003' };

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same, looked for rather than removed
const ANY_ESCAPE = /\u001b/;
/** What a person reads on the terminal: no colour or cursor codes, no carriage returns. */
const plain = (screen: string) => screen.replace(ANSI, '').replace(/\r/g, '');

/** Every character of the term, in order, somewhere in the name (case aside): what a fuzzy match means. */
const hasInOrder = (name: string, term: string) => {
  let at = 0;
  for (const char of name.toLowerCase()) if (char === term[at]) at++;
  return at === term.length;
};

/** A terminal session, its output as it arrives. */
class Terminal {
  private raw = '';
  private lastOutput = Date.now();

  constructor(readonly process: RunningProcess) {
    process.child.stdout!.on('data', (chunk: string) => {
      this.raw += chunk;
      this.lastOutput = Date.now();
    });
  }

  type(keys: string): void {
    this.process.child.stdin!.write(keys);
  }

  /** Resolves once the program has written nothing for `ms` (it has finished reacting to the last keys). */
  async quiet(ms = 250, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (Date.now() - this.lastOutput < ms) {
      if (Date.now() - started > timeoutMs) throw new Error(`the terminal never went quiet:\n${plain(this.raw)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The picker as last drawn: what was typed (its header line), the names listed, and the one the cursor is on. */
  lastFrame(): { term: string; names: string[]; active: string | undefined } {
    const screen = plain(this.raw);
    const frame = screen.slice(screen.lastIndexOf('Which identity?'));
    const header = frame.split('\n')[0]!;
    const term = header.replace(/^.*\(type to filter, Esc to cancel\)\s?/, '').trim();
    const items = [...frame.matchAll(/^([❯ ]) (\S+\/\S+)\s*$/gmu)];
    return {
      term,
      names: items.map((item) => item[2]!),
      active: items.find((item) => item[1] === '❯')?.[2],
    };
  }
}

let emu: Emulator;
let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let piped: CliResult;

beforeAll(async () => {
  // Signed in and the 300 identities discovered, stderr not a terminal.
  const signedIn = await signedInSandbox({ emulator: { org: ORG, latencyMs: 10 }, config: CONFIG });
  ({ emu, env, sandbox } = signedIn);
  piped = signedIn.login!;
});

/** `rolecall whoami` on a terminal, with no identity chosen: the picker opens. */
async function whoamiInTerminal(): Promise<Terminal> {
  const terminal = new Terminal(sandbox.startInTerminal(['whoami'], { env }));
  await terminal.process.waitFor('stdout', /Which identity\?/);
  await terminal.quiet();
  return terminal;
}

describe('the identity picker', () => {
  it('opens on a terminal with every identity, a page at a time', async () => {
    const terminal = await whoamiInTerminal();
    const frame = terminal.lastFrame();
    expect(frame.term).toBe('');
    expect(frame.names).toHaveLength(12);
    expect(frame.active).toBe(frame.names[0]);
    terminal.type(KEY.ctrlC);
    expect((await terminal.process.done).code).toBe(130);
  });

  it('narrows the list to the names that have the typed letters in order, and Enter picks the first', async () => {
    const terminal = await whoamiInTerminal();
    terminal.type('ldgprdread');
    await terminal.process.waitFor('stdout', /ldgprdread[\s\S]*❯ ledger-prod\/ReadOnlyAccess/);
    await terminal.quiet();
    const frame = terminal.lastFrame();
    expect(frame.term).toBe('ldgprdread');
    expect(frame.active).toBe('ledger-prod/ReadOnlyAccess');
    expect(frame.names[0]).toBe('ledger-prod/ReadOnlyAccess');
    for (const name of frame.names) expect(hasInOrder(name, 'ldgprdread')).toBe(true);
    expect(frame.names).not.toContain('ledger-prod/AdministratorAccess');
    expect(frame.names).not.toContain('payments-prod/ReadOnlyAccess');

    terminal.type(KEY.enter);
    const { code, stdout } = await terminal.process.done;
    const screen = plain(stdout);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/^identity +ledger-prod\/ReadOnlyAccess$/m);
    expect(screen).toMatch(new RegExp(`^account +${accountId('ledger-prod')}$`, 'm'));
  });

  it('moves to the second match with the Down arrow, and Enter picks it', async () => {
    const terminal = await whoamiInTerminal();
    terminal.type('ldgprd');
    await terminal.process.waitFor('stdout', /ldgprd[\s\S]*❯ ledger-prod\/AdministratorAccess/);
    await terminal.quiet();
    const listed = terminal.lastFrame();
    expect(listed.term).toBe('ldgprd');
    // The three roles of ledger-prod match equally well, ahead of looser matches such as ledger-perf/ReadOnlyAccess.
    expect(listed.names.slice(0, 3)).toEqual([
      'ledger-prod/AdministratorAccess',
      'ledger-prod/PowerUserAccess',
      'ledger-prod/ReadOnlyAccess',
    ]);

    terminal.type(KEY.down);
    await terminal.process.waitFor('stdout', /❯ ledger-prod\/PowerUserAccess/);
    await terminal.quiet();
    expect(terminal.lastFrame().active).toBe('ledger-prod/PowerUserAccess');
    terminal.type(KEY.enter);
    const { code, stdout } = await terminal.process.done;
    const screen = plain(stdout);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/^identity +ledger-prod\/PowerUserAccess$/m);
  });

  it('is cancelled by Esc: exit 130, no identity chosen, nothing asked of AWS', async () => {
    const before = opCount(emu, 'GetRoleCredentials');
    const terminal = await whoamiInTerminal();
    terminal.type('pay');
    await terminal.process.waitFor('stdout', /pay[\s\S]*❯ payments-/);
    await terminal.quiet();
    // A lone ESC: readline reports the Escape key once no more bytes follow (about half a second).
    terminal.type(KEY.escape);
    const { code, stdout } = await terminal.process.done;
    const screen = plain(stdout);
    expect(code, screen).toBe(130);
    expect(screen).toContain('error: no identity chosen');
    expect(screen).toContain('choose one with --identity');
    expect(screen).not.toMatch(/^identity +/m);
    expect(opCount(emu, 'GetRoleCredentials')).toBe(before);
  });

  it('is cancelled by Ctrl+C: exit 130', async () => {
    const terminal = await whoamiInTerminal();
    terminal.type('web');
    await terminal.process.waitFor('stdout', /web[\s\S]*❯ web-/);
    await terminal.quiet();
    terminal.type(KEY.ctrlC);
    const { code, stdout } = await terminal.process.done;
    const screen = plain(stdout);
    expect(code, screen).toBe(130);
    expect(screen).toContain('error: no identity chosen');
  });

  it('is not shown without a terminal: exit 2, naming some identities and how to choose', async () => {
    const result = await sandbox.run(['whoami'], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('Which identity?');
    expect(result.stderr).toContain('error: no identity chosen; configured: ');
    expect(result.stderr).toContain(`(${IDENTITIES} in all)`);
    expect(result.stderr).toContain('choose one with --identity NAME or ROLECALL_IDENTITY');
    expect(result.stderr).not.toMatch(ANY_ESCAPE);
  });
});

describe('the provisioning progress', () => {
  it('writes no progress line and no escape codes when stderr is not a terminal', () => {
    expect(piped.stderr).toContain(`✓ Provisioned ${IDENTITIES} identities across ${ORG.accounts.length} accounts`);
    expect(piped.stderr).not.toContain('Discovering');
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toMatch(ANY_ESCAPE);
  });

  it('shows a progress line on a terminal, wiped before an intact summary', async () => {
    const fresh = new Sandbox();
    fresh.write('rolecall.yaml', CONFIG);
    const { code, stdout } = await fresh.startInTerminal(['login', '--use-device-code'], { env }).done;
    expect(code, plain(stdout)).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line rewrites itself with these codes
    expect(stdout).toMatch(/\r\u001b\[2KDiscovering identities of sso-prod: \d+\/\d+\+? accounts/);
    const summary = stdout.slice(stdout.lastIndexOf('Discovering identities'));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the same
    expect(summary).toMatch(/^Discovering identities[^\n]*\r\u001b\[2K\S*✓/);
    const afterSummary = summary.slice(summary.indexOf('✓'));
    // The summary line is whole, and nothing follows it but the end of the line.
    expect(plain(afterSummary)).toMatch(
      new RegExp(
        `^✓ Provisioned ${IDENTITIES} identities across ${ORG.accounts.length} accounts \\(\\d+\\.\\ds\\) +\\+${IDENTITIES} new\\n$`,
      ),
    );
    expect(afterSummary.slice(afterSummary.indexOf('\n'))).not.toMatch(ANY_ESCAPE);
  });
});
