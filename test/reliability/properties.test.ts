import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYamlText, stringify as stringifyYaml } from 'yaml';
import { parseCachedCredentials, parseUserKeys } from '../../src/auth/identities/credentials.js';
import { lookupIdentity } from '../../src/auth/identities/lookup.js';
import { readProvisionedEntries, renderProvisionedFile } from '../../src/auth/providers/aws-sso/provisioned-file.js';
import { parseRegistration, parseSession } from '../../src/auth/providers/aws-sso/records.js';
import { fuzzyFilter } from '../../src/cli/fuzzy.js';
import { SHORTHAND_TOOLS, shorthandToExec } from '../../src/cli/shorthand.js';
import { parseYaml } from '../../src/config/read-yaml.js';
import { createLogger } from '../../src/core/log.js';
import { type Emulator, endpointEnv, startEmulator } from '../../src/emulator/index.js';
import { formatEnv } from '../../src/run/env-format.js';
import { credentialIndexPath, readCredentialIndex } from '../../src/store/credential-index.js';
import type { StateDirs } from '../../src/store/paths.js';
import {
  type ChaosOperation,
  type ChaosPlan,
  type ChaosProxy,
  type ChaosRule,
  type ChaosStats,
  chaosProxy,
  type Mutation,
  RETYPES,
} from '../support/chaos-proxy.js';
import { type CliResult, cliPath, repoRoot, Sandbox, STACK_FRAME, startProcess } from '../support/cli.js';
import { providerConfig, START_URL } from '../support/emulator.js';
import { FULL, recordFigures, scaled, timeLimit } from './scale.js';

/**
 * Item 4 of issue 7 (bad input): property-based tests that feed rolecall random and mutated
 * configurations, command lines and emulator answers, and the parsers of untrusted data random text.
 * Whatever comes in, rolecall ends with exit 0, 1, 2 or 3, one `error:` line, no stack trace, and
 * never hangs. Counterexamples the properties found are pinned as plain tests at the end.
 *
 * Quick pass (in `npm test`): a few dozen cases per property, the three that spawn rolecall side by
 * side. Full pass (`RELIABILITY=full`): hundreds, shrinking every counterexample. A failure prints
 * fast-check's seed and path: `fc.check(..., { seed, path })` replays it. `PROPERTIES_SURVEY=1` logs
 * every failing case to test-artifacts/reliability/survey-*.log and carries on, to see all kinds at once.
 */

// ---------------------------------------------------------------------------------------------------
// Running the CLI with a time bound, and what every run must look like

interface Outcome extends CliResult {
  hung: boolean;
  ms: number;
}

async function runBounded(
  sandbox: Sandbox,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number },
): Promise<Outcome> {
  const started = performance.now();
  const running = sandbox.start(args, { env: options.env, cwd: options.cwd });
  let timer: NodeJS.Timeout | undefined;
  const hung = await Promise.race([
    running.done.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), options.timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (hung) running.child.kill('SIGKILL');
  const result = await running.done;
  return { ...result, hung, ms: Math.round(performance.now() - started) };
}

const excerpt = (text: string, max = 1500) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;

/**
 * What is wrong with a run: it hung, exited with a code outside `allowed`, or its stderr is not one
 * `error:` line (plus hint, warnings and indented detail) without a stack trace. `debug` runs may
 * print stacks (`--log-level debug` adds them, as documented).
 */
function problemsOf(outcome: Outcome, allowed: readonly number[], options: { debug?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (outcome.hung) problems.push(`did not end within ${outcome.ms} ms (killed)`);
  else if (outcome.code === null) problems.push('ended by a signal');
  else if (!allowed.includes(outcome.code)) problems.push(`exit code ${outcome.code}, expected one of ${allowed}`);
  const { stderr } = outcome;
  if (!options.debug && STACK_FRAME.test(stderr)) problems.push('a stack trace on stderr');
  if (/unexpected failure/.test(stderr)) problems.push('"unexpected failure" on stderr');
  if (/\(node:\d+\)|\bnode:internal\b/.test(stderr)) problems.push('a Node.js warning or internal error on stderr');
  const errorLines = stderr.split('\n').filter((line) => line.startsWith('error:')).length;
  if (!outcome.hung && outcome.code === 0 && errorLines > 0) problems.push(`exit 0 with ${errorLines} error: line(s)`);
  // A command line without a command shows the usage instead (exit 2), as CLIs do.
  const usageShown = outcome.code === 2 && errorLines === 0 && stderr.startsWith('Usage: ');
  if (!outcome.hung && outcome.code !== 0 && errorLines !== 1 && !usageShown) {
    problems.push(`${errorLines} error: lines, not one`);
  }
  const lines = stderr.split('\n');
  const at = lines.findIndex((line) => line.startsWith('error:'));
  const next = lines[at + 1] ?? '';
  // Only a configuration error lists its issues below the error line; anything else is one line.
  const detailAllowed = /^error: invalid configuration/.test(lines[at] ?? '');
  // The argument parser's own hints: `(Did you mean shell?)`, `(run `rolecall --help` for usage)`.
  const hintLine = /^hint: |^\(Did you mean .*\?\)$|^\(run `rolecall --help` for usage\)$/;
  if (at >= 0 && !detailAllowed && next !== '' && !hintLine.test(next)) {
    problems.push(`the error message goes on over more than one line: ${JSON.stringify(excerpt(next, 200))}`);
  }
  return problems;
}

function describeRun(what: string, outcome: Outcome, problems: string[], extra = ''): string {
  return [
    `${what}: ${problems.join('; ')}`,
    `exit ${outcome.code} after ${outcome.ms} ms`,
    extra,
    `stderr:\n${excerpt(outcome.stderr)}`,
    `stdout:\n${excerpt(outcome.stdout, 500)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * `PROPERTIES_SURVEY=1`: every failing case is written to test-artifacts/reliability/survey-<id>.log
 * and the run goes on, to see every kind of failure at once instead of the first.
 */
const SURVEY = process.env['PROPERTIES_SURVEY'] === '1';
const surveyFailures = new Map<string, number>();

function failCase(id: string, message: string): void {
  if (!SURVEY) throw new Error(message);
  const dir = join(repoRoot, 'test-artifacts', 'reliability');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `survey-${id}.log`), `${'='.repeat(100)}\n${message}\n`);
  surveyFailures.set(id, (surveyFailures.get(id) ?? 0) + 1);
}

/** fast-check's report with the error the counterexample raised, which carries the run's details. */
function report(details: { errorInstance: unknown }, message: string | undefined): string {
  const error = details.errorInstance;
  const reason = error instanceof Error ? error.message : error === null ? '' : String(error);
  return `${message ?? 'property failed'}\n\n${reason}`;
}

/**
 * Records the figures of property runs begun at `started` (a failed run counts one failing case: the
 * one fast-check shrank to), then fails with the report of each run that failed.
 */
function recordChecks<Ts>(
  id: string,
  scenario: string,
  started: number,
  results: fc.RunDetails<Ts>[],
  notes?: string,
): void {
  const cases = results.reduce((sum, details) => sum + details.numRuns, 0);
  const failed = results.filter((details) => details.failed);
  recordFigures(id, {
    scenario,
    cases,
    passed: cases - failed.length,
    ms: Math.round(performance.now() - started),
    ...(notes ? { notes } : {}),
  });
  for (const details of failed) expect.fail(report(details, fc.defaultReportMessage(details)));
}

/** How long one property of the full pass may run, shrinking included. */
const FULL_BUDGET_MS = 240_000;

/** Runs a property, records its figures, and fails the test with fast-check's report. */
async function checkProperty<Ts>(
  id: string,
  scenario: string,
  property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>,
  numRuns: number,
  notes?: string,
): Promise<void> {
  const started = performance.now();
  const details = await fc.check(property as fc.IAsyncPropertyWithHooks<Ts>, {
    numRuns,
    // Shrinking a case that hangs costs a time-out per step: the quick pass reports the first
    // counterexample as found; the full pass shrinks it, within a time budget (the counterexample
    // shrunk so far is reported when the budget runs out).
    endOnFailure: !FULL,
    plugins: FULL ? [fc.interruptAfterTimeLimit(FULL_BUDGET_MS)] : [],
  });
  const ms = Math.round(performance.now() - started);
  const cases = details.numRuns;
  const passed = (details.failed ? Math.max(0, cases - 1) : cases) - (surveyFailures.get(id) ?? 0);
  const failure = details.failed
    ? report(details, undefined)
        .split('\n')
        .find((line) => line.includes(':'))
    : undefined;
  const note = [notes, failure && `failed: ${excerpt(failure, 200)}`].filter(Boolean).join('; ');
  recordFigures(id, { scenario, cases, passed, ms, ...(note ? { notes: note } : {}) });
  if (details.failed) expect.fail(report(details, await fc.asyncDefaultReportMessage(details)));
}

/** A port nothing listens on: AWS calls fail at once with ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------------
// Property 1: random and mutated configurations

const PROVIDER_NAMES = ['sso-prod', 'sso-dev', 'github'];
const IDENTITY_NAMES = ['prod-admin', 'chain-1', 'chain-2', 'dev-user', 'production/AdministratorAccess'];

const hostileName = fc.oneof(
  fc.constantFrom(
    '',
    'a',
    'A',
    '0',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '../../etc/passwd',
    'with space',
    'tab\there',
    'new\nline',
    'Équipe Données/DataScientist',
    '名前',
    '\u202eevil',
    '🙂',
    'x'.repeat(300),
    '*',
    '&anchor',
    '- item',
    'key: value',
    '#comment',
    'null',
    'true',
    '~',
  ),
  fc.string({ maxLength: 16, unit: 'binary' }),
);
const providerRef = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PROVIDER_NAMES) }, hostileName);
const identityRef = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...IDENTITY_NAMES) }, hostileName);

const anyScalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constant([]),
  fc.constant({}),
);

const duration = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('12h', '90m', '1h30m', '45s', '1h', '15m', '12h0m1s') },
  fc.constantFrom('0h', '0s', '1h1h', '-5m', 'h', '1d', '', '3600', '1.5h', '99999999999h', ' 1h'),
  anyScalar,
);
const region = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-2', 'us-gov-west-1') },
  fc.constantFrom('US-EAST-1', 'mars', 'us-east-1 ', '', 'us-east'),
  anyScalar,
);
const startUrl = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('https://my-org.awsapps.com/start', START_URL) },
  fc.constantFrom('http://insecure.example.com/start', 'https://', 'https://x y/start', 'ftp://x/', '', 'https://a?b'),
  fc.webUrl(),
  anyScalar,
);
const globs = fc.array(fc.oneof(fc.constantFrom('prod*', '*', '?', '[', '**/x', '111111111111'), hostileName), {
  maxLength: 3,
});

const optional = { requiredKeys: [] as never[] };

const ssoProvider = fc.record(
  {
    kind: fc.constant('aws/iam-identity-center'),
    start_url: startUrl,
    region,
    auto_provision_identities: fc.oneof(fc.boolean(), anyScalar),
    session: fc.record({ duration }, optional),
    console: fc.record({ session_duration: duration }, optional),
    provision: fc.record(
      {
        name_template: fc.oneof(
          fc.constantFrom('{account}/{role}', '{account_id}-{role_lower}', '{account_lower}', 'static', '{nope}', ''),
          anyScalar,
        ),
        accounts: fc.record({ include: globs, exclude: globs }, optional),
        roles: fc.record({ include: globs, exclude: globs }, optional),
      },
      optional,
    ),
  },
  { requiredKeys: ['kind'] },
);
const foreignProvider = fc.record(
  {
    kind: fc.constantFrom(
      'aws/saml',
      'github/oidc',
      'gcp/adc',
      'azure/device-code',
      'aws/sso',
      'AWS/IAM-Identity-Center',
    ),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['kind'] },
);
const provider = fc.oneof({ weight: 4, arbitrary: ssoProvider }, foreignProvider, anyScalar);

const via = fc.oneof(
  fc.record({ provider: providerRef }),
  fc.record({ identity: identityRef }),
  fc.record({ provider: providerRef, identity: identityRef }),
  fc.constant({}),
  anyScalar,
);
const accountId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('123456789012', '222222222222') },
  fc.constantFrom('12345', '1234567890123', 'abcdefghijkl', '０１２３４５６７８９０１'),
  fc.integer(),
);
const common = { default: fc.oneof(fc.boolean(), anyScalar), session: fc.record({ duration }, optional) };
const permissionSet = fc.record(
  {
    kind: fc.constant('aws/permission-set'),
    provider: providerRef,
    via,
    principal: fc.record(
      {
        name: fc.oneof(fc.constantFrom('AdministratorAccess', 'ReadOnlyAccess'), hostileName),
        account: fc.record({ name: hostileName, id: accountId }, optional),
      },
      optional,
    ),
    _metadata: fc.record({ stale: fc.oneof(fc.boolean(), anyScalar) }, optional),
    ...common,
  },
  { requiredKeys: ['kind'] },
);
const assumeRole = fc.record(
  {
    kind: fc.constant('aws/assume-role'),
    provider: providerRef,
    via,
    principal: fc.record(
      {
        assume_role: fc.oneof(
          fc.constantFrom(
            'arn:aws:iam::123456789012:role/Admin',
            'arn:aws-us-gov:iam::123456789012:role/path/Deployer',
            'arn:aws:iam::1:role/x',
            'not-an-arn',
          ),
          anyScalar,
        ),
        session_name: fc.oneof(fc.constantFrom('audit', 'a', 'x'.repeat(65), 'bad name'), anyScalar),
        external_id: fc.oneof(fc.constantFrom('ext-123', 'x', 'y'.repeat(1300)), anyScalar),
        duration,
      },
      optional,
    ),
    ...common,
  },
  { requiredKeys: ['kind'] },
);
const userIdentity = fc.record({ kind: fc.constant('aws/user'), region, ...common }, { requiredKeys: ['kind'] });
const foreignIdentity = fc.record(
  {
    kind: fc.constantFrom('aws/assume-root', 'aws/ambient', 'gcp/service-account', 'azure/subscription', 'aws/role'),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['kind'] },
);
const override = fc.record({ provider: providerRef, via, ...common }, optional);
const identity = fc.oneof(
  { weight: 3, arbitrary: permissionSet },
  { weight: 3, arbitrary: assumeRole },
  userIdentity,
  foreignIdentity,
  override,
  anyScalar,
);

/** Maps built from entries, so that `__proto__` and friends become plain keys, never prototypes. */
const entriesMap = <T>(keys: fc.Arbitrary<string>, values: fc.Arbitrary<T>, maxLength: number) =>
  fc.array(fc.tuple(keys, values), { maxLength }).map((entries) => Object.fromEntries(entries));

const IMPORTS = [
  'a.yaml',
  './b.yaml',
  'conf.d/*.yaml',
  'conf.d/c.yaml',
  'missing.yaml',
  'rolecall.yaml',
  'atmos.yaml',
  'https://example.com/auth.yaml',
  'conf.d',
  '*.nomatch',
  '',
  '[',
  '{a,b}.yaml',
  '/dev/null',
];
const imports = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...IMPORTS), { maxLength: 3 }) },
  anyScalar,
  fc.array(anyScalar, { maxLength: 2 }),
);

const configDocument = fc.record(
  {
    auth: fc.record(
      {
        providers: fc.oneof({ weight: 4, arbitrary: entriesMap(providerRef, provider, 3) }, anyScalar),
        identities: fc.oneof({ weight: 4, arbitrary: entriesMap(identityRef, identity, 5) }, anyScalar),
        keyring: fc.record({ type: fc.oneof(fc.constantFrom('auto', 'file', 'memory', 'bogus'), anyScalar) }, optional),
        logs: fc.record(
          { level: fc.oneof(fc.constantFrom('Info', 'warn', 'ERROR', 'trace'), anyScalar), file: anyScalar },
          optional,
        ),
        extra_key: anyScalar,
      },
      optional,
    ),
    import: imports,
    components: fc.jsonValue({ maxDepth: 2 }),
  },
  optional,
);

/** A change to the document tree before it is written: a slot is picked by its index in a walk. */
type TreeEdit =
  | { op: 'drop'; pick: number }
  | { op: 'retype'; pick: number; value: unknown }
  | { op: 'huge'; pick: number; inKey: boolean }
  | { op: 'rename'; pick: number; name: string }
  | { op: 'nest'; pick: number; depth: number; lists: boolean }
  | { op: 'proto'; pick: number; value: unknown }
  | { op: 'share'; pick: number; from: number };

const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('retype' as const), pick: fc.nat(), value: fc.oneof(anyScalar, fc.jsonValue()) }),
  fc.record({ op: fc.constant('huge' as const), pick: fc.nat(), inKey: fc.boolean() }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), name: hostileName }),
  fc.record({
    op: fc.constant('nest' as const),
    pick: fc.nat(),
    depth: fc.integer({ min: 1, max: 150 }),
    lists: fc.boolean(),
  }),
  fc.record({ op: fc.constant('proto' as const), pick: fc.nat(), value: fc.oneof(anyScalar, fc.jsonValue()) }),
  fc.record({ op: fc.constant('share' as const), pick: fc.nat(), from: fc.nat() }),
);

type Container = Record<string, unknown> | unknown[];
const isContainer = (value: unknown): value is Container => value !== null && typeof value === 'object';

/** Every (container, key) in the tree, parents before children. */
function slots(root: { doc: unknown }): [Container, string | number][] {
  const found: [Container, string | number][] = [];
  const seen = new Set<unknown>();
  const walk = (container: Container) => {
    if (seen.has(container)) return;
    seen.add(container);
    for (const key of Array.isArray(container) ? container.keys() : Object.keys(container)) {
      found.push([container, key]);
      const child = (container as Record<string | number, unknown>)[key];
      if (isContainer(child)) walk(child);
    }
  };
  walk(root as Container);
  return found;
}

function setKey(container: Container, key: string | number, value: unknown): void {
  if (Array.isArray(container)) container[key as number] = value;
  else Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyTreeEdit(root: { doc: unknown }, edit: TreeEdit): void {
  const all = slots(root);
  const slot = all[edit.pick % all.length];
  if (!slot) return;
  const [container, key] = slot;
  const current = (container as Record<string | number, unknown>)[key];
  const rename = (name: string) => {
    if (Array.isArray(container) || container === (root as Container)) return;
    delete container[key as string];
    setKey(container, name, current);
  };
  switch (edit.op) {
    case 'drop':
      if (container === (root as Container)) root.doc = undefined;
      else if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      return;
    case 'retype':
      setKey(container, key, edit.value);
      return;
    case 'huge':
      if (edit.inKey) rename('k'.repeat(100_000));
      else setKey(container, key, 'v'.repeat(200_000));
      return;
    case 'rename':
      rename(edit.name);
      return;
    case 'nest': {
      let value = current;
      for (let level = 0; level < edit.depth; level++) value = edit.lists ? [value] : { n: value };
      setKey(container, key, value);
      return;
    }
    case 'proto': {
      const target = isContainer(current) && !Array.isArray(current) ? current : container;
      if (!Array.isArray(target)) setKey(target, '__proto__', edit.value);
      return;
    }
    case 'share': {
      // The same node in two places: YAML writes an anchor and an alias (a cycle when it is an ancestor).
      const [fromContainer, fromKey] = all[edit.from % all.length]!;
      setKey(container, key, (fromContainer as Record<string | number, unknown>)[fromKey]);
      return;
    }
  }
}

/** A change to the YAML text itself. */
type TextEdit =
  | { op: 'tabs'; at: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate-line'; at: number }
  | { op: 'delete-line'; at: number }
  | { op: 'crlf' }
  | { op: 'bom' }
  | { op: 'proto-line'; at: number }
  | { op: 'alias-bomb'; levels: number; fanout: number }
  | { op: 'merge-key'; at: number };

const INSERTS = [
  ':',
  ': :',
  '- ',
  '[',
  ']',
  '{',
  '"',
  "'",
  '&a ',
  '*a',
  '*undefined',
  '!!binary ',
  '!!js/function ',
  '!custom ',
  '%YAML 1.2\n---\n',
  '---\n',
  '...\n',
  '? ',
  '|',
  '>-\n',
  ' #',
  '\0',
  '\u0007',
  '\uFEFF',
  '\t',
  '\r',
  '<<: *a\n',
  '\\',
  '@',
  '`',
  '0x',
  '.inf',
  '2026-01-01',
  '~',
];

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('tabs' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 6, unit: 'binary' })),
  }),
  fc.record({ op: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('crlf' as const) }),
  fc.record({ op: fc.constant('bom' as const) }),
  fc.record({ op: fc.constant('proto-line' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('alias-bomb' as const),
    levels: fc.integer({ min: 1, max: 9 }),
    fanout: fc.integer({ min: 2, max: 10 }),
  }),
  fc.record({ op: fc.constant('merge-key' as const), at: fc.nat() }),
);

/** Top-level keys whose aliases multiply: `fanout ** levels` nodes once expanded. */
const aliasBomb = (levels: number, fanout: number) => {
  const lines = [`x0: &b0 [${Array(fanout).fill('x').join(', ')}]`];
  for (let level = 1; level <= levels; level++) {
    lines.push(
      `x${level}: &b${level} [${Array(fanout)
        .fill(`*b${level - 1}`)
        .join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
};

function applyTextEdit(text: string, edit: TextEdit): string {
  const lines = text.split('\n');
  const line = 'at' in edit ? edit.at % Math.max(1, lines.length) : 0;
  switch (edit.op) {
    case 'tabs':
      lines[line] = lines[line]!.replace(/^( +)/, (spaces) => '\t'.repeat(Math.max(1, spaces.length / 2)));
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, edit.at % (text.length + 1));
    case 'insert': {
      const at = edit.at % (text.length + 1);
      return text.slice(0, at) + edit.text + text.slice(at);
    }
    case 'duplicate-line':
      lines.splice(line, 0, lines[line]!);
      return lines.join('\n');
    case 'delete-line':
      lines.splice(line, 1);
      return lines.join('\n');
    case 'crlf':
      return text.replaceAll('\n', '\r\n');
    case 'bom':
      return `\uFEFF${text}`;
    case 'proto-line': {
      const indent = /^\s*/.exec(lines[line]!)![0];
      lines.splice(line + 1, 0, `${indent}__proto__: { polluted: true }`);
      return lines.join('\n');
    }
    case 'alias-bomb':
      return aliasBomb(edit.levels, edit.fanout) + text;
    case 'merge-key': {
      const indent = /^\s*/.exec(lines[line]!)![0];
      lines.splice(line + 1, 0, `${indent}<<: { kind: aws/user, default: true }`);
      return lines.join('\n');
    }
  }
}

const yamlOf = (doc: unknown): string => {
  try {
    return doc === undefined ? '' : stringifyYaml(doc, { aliasDuplicateObjects: true, lineWidth: 0 });
  } catch {
    // A cycle yaml cannot write, say: the document as JSON, which is YAML too.
    return '{}\n';
  }
};

interface ConfigFile {
  name: string;
  doc: unknown;
  treeEdits: TreeEdit[];
  textEdits: TextEdit[];
}

const configFile = (name: fc.Arbitrary<string>) =>
  fc.record({
    name,
    doc: configDocument,
    treeEdits: fc.array(treeEdit, { maxLength: 3 }),
    textEdits: fc.oneof(
      { weight: 2, arbitrary: fc.constant([] as TextEdit[]) },
      fc.array(textEdit, { minLength: 1, maxLength: 2 }),
    ),
  });

const configCase = fc.record({
  main: configFile(fc.constantFrom('rolecall.yaml', 'rolecall.yaml', '.rolecall.yaml', 'atmos.yaml')),
  extra: fc.uniqueArray(configFile(fc.constantFrom('a.yaml', 'b.yaml', 'conf.d/c.yaml')), {
    maxLength: 3,
    selector: (file) => file.name,
  }),
});

function renderConfigFile(file: ConfigFile): string {
  const root = { doc: structuredClone(file.doc) as unknown };
  for (const edit of file.treeEdits) applyTreeEdit(root, edit);
  let text = yamlOf(root.doc);
  for (const edit of file.textEdits) text = applyTextEdit(text, edit);
  return text;
}

const CONFIG_TIMEOUT_MS = 15_000;

/** Exit 2 must name the file, and a line and column for every issue found in a file. */
function configErrorProblems(stderr: string, files: string[]): string[] {
  const issueLines = stderr.split('\n').filter((line) => /^ {2}\S/.test(line) && !line.startsWith('  hint:'));
  if (!files.some((file) => stderr.includes(file))) return ['the error names none of the config files'];
  const positioned = new RegExp(
    `^ {2}(${files.map((file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}):\\d+:\\d+: `,
  );
  return issueLines
    .filter((line) => !positioned.test(line) && !/^ {2}import cycle: /.test(line))
    .map((line) => `an issue without file:line:column: ${excerpt(line, 200)}`);
}

/** Property 1: validate and list end with exit 0 or 2, agree, and name the file and line of every error. */
async function configurationsProperty(): Promise<void> {
  const property = fc.asyncProperty(configCase, async ({ main, extra }) => {
    const sandbox = new Sandbox();
    const written = [main, ...extra].map((file) => {
      const text = renderConfigFile(file);
      return { path: sandbox.write(file.name, text), text };
    });
    const env = { ROLECALL_KEYRING: 'file' };
    const validate = await runBounded(sandbox, ['validate'], { env, timeoutMs: CONFIG_TIMEOUT_MS });
    // After a hang, list would only hang as well: the case has failed already.
    const list = validate.hung
      ? validate
      : await runBounded(sandbox, ['list', '--format', 'json'], { env, timeoutMs: CONFIG_TIMEOUT_MS });
    const files = written.map((file) => file.path);
    for (const [name, outcome] of [
      ['validate', validate],
      ['list --format json', list],
    ] as const) {
      const problems = problemsOf(outcome, [0, 2]);
      if (outcome.code === 2) problems.push(...configErrorProblems(outcome.stderr, files));
      if (name === 'list --format json' && outcome.code === 0) {
        try {
          JSON.parse(outcome.stdout);
        } catch {
          problems.push('stdout is not JSON');
        }
      }
      if (problems.length > 0) {
        return failCase(
          'properties-configurations',
          describeRun(`rolecall ${name}`, outcome, problems, `main file:\n${excerpt(written[0]!.text, 800)}`),
        );
      }
    }
    if (validate.code !== list.code) {
      return failCase(
        'properties-configurations',
        `validate exited ${validate.code} but list ${list.code}\n${excerpt(list.stderr)}`,
      );
    }
    rmSync(sandbox.home, { recursive: true, force: true });
  });
  await checkProperty(
    'properties-configurations',
    'property: random and mutated configurations (validate, list --format json)',
    property,
    scaled(20, 300),
  );
}

// ---------------------------------------------------------------------------------------------------
// Property 2: random command lines

const COMMAND_WORDS = [
  'login',
  'provision',
  'logout',
  'list',
  'exec',
  'terraform',
  'tofu',
  'env',
  'shell',
  'whoami',
  'credential-process',
  'console',
  'aws-config',
  'user-keys',
  'validate',
  'config',
  'show',
  'schema',
  'completion',
  'help',
  '__complete',
  'bash',
  'zsh',
  'fish',
  'providers',
  'identities',
];
const FLAGS = [
  '--config',
  '--log-level',
  '--no-color',
  '-h',
  '--help',
  '-V',
  '--version',
  '--provider',
  '--identity',
  '--format',
  '--use-device-code',
  '--no-browser',
  '--force',
  '--export-aws-cli-cache',
  '--no-provision',
  '--all',
  '--export-keys',
  '--print',
  '--destination',
  '--write',
  '--from-env',
  '--delete',
  '--origins',
  '--port',
  '--accounts',
  '-x',
  '--',
];
const VALUES = [
  'json',
  'yaml',
  'text',
  'tree',
  'table',
  'bash',
  'fish',
  'powershell',
  'dotenv',
  'debug',
  'info',
  'warn',
  'error',
  'sso-prod',
  'sso-dev',
  'dev-user',
  'prod-admin',
  'chained',
  'PROD-ADMIN',
  'prod-admn',
  'nobody',
  '',
  ' ',
  '-',
  '=',
  'rolecall.yaml',
  'missing.yaml',
  'out/aws-config',
  'aws-config.ini',
  'https://console.aws.amazon.com/',
  'http://x',
  'true',
  '0',
  '-1',
  '99999999999999999999',
];

/** Random text that is never an absolute path, so that no run writes outside its sandbox. */
const randomWord = fc
  .string({ maxLength: 12, unit: 'binary' })
  // A command line cannot hold NUL.
  .map((word) => word.replaceAll('\0', ''))
  .map((word) => (word.startsWith('/') || word.startsWith('~') ? `x${word}` : word));

const argument = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...COMMAND_WORDS) },
  { weight: 5, arbitrary: fc.constantFrom(...FLAGS) },
  { weight: 4, arbitrary: fc.constantFrom(...VALUES) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...FLAGS), fc.oneof(fc.constantFrom(...VALUES), randomWord))
      .map(([flag, value]) => `${flag}=${value}`),
  },
  { weight: 2, arbitrary: randomWord },
);
const commandLine = fc
  .tuple(
    fc.option(fc.constantFrom(...COMMAND_WORDS.slice(0, 20)), { nil: undefined }),
    fc.array(argument, { maxLength: 7 }),
  )
  .map(([command, rest]) => (command === undefined ? rest : [command, ...rest]))
  // `emulator` serves until stopped; it is not among the words, and no random word may name it.
  .filter((args) => !args.some((arg) => arg.includes('emulator')));

const ARGS_CONFIG = providerConfig({
  autoProvision: true,
  extra: `    sso-dev:
      kind: aws/iam-identity-center
      start_url: https://d-9067000001.awsapps.com/start
      region: eu-west-2
  identities:
    prod-admin:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: AdministratorAccess, account: { name: production, id: "222222222222" } }
      default: true
    chained:
      kind: aws/assume-role
      via: { identity: prod-admin }
      principal: { assume_role: "arn:aws:iam::222222222222:role/Deployer" }
    dev-user:
      kind: aws/user
      region: eu-west-2
`,
});

/** Property 2: every command line ends with exit 0, 1, 2 or 3 and one error line. */
async function argumentsProperty(): Promise<void> {
  const deadEnd = `http://127.0.0.1:${await closedPort()}`;
  const property = fc.asyncProperty(commandLine, async (args) => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', ARGS_CONFIG);
    const env = {
      ROLECALL_KEYRING: 'file',
      // No session exists, and any AWS call is refused at once.
      ...endpointEnv(deadEnd),
      // Nothing can start a browser or a real shell.
      BROWSER: 'true',
      SHELL: '/bin/true',
    };
    const outcome = await runBounded(sandbox, args, { env, timeoutMs: 20_000 });
    const problems = problemsOf(outcome, [0, 1, 2, 3], { debug: args.some((arg) => arg.includes('debug')) });
    if (problems.length > 0)
      return failCase('properties-arguments', describeRun(`rolecall ${JSON.stringify(args)}`, outcome, problems));
    rmSync(sandbox.home, { recursive: true, force: true });
  });
  await checkProperty('properties-arguments', 'property: random command lines', property, scaled(30, 300));
}

// ---------------------------------------------------------------------------------------------------
// Property 3: hostile emulator answers, through the chaos proxy

const CHAOS_CONFIG = providerConfig({
  autoProvision: true,
  extra: `  identities:
    by-name:
      kind: aws/permission-set
      via: { provider: sso-prod }
      principal: { name: AdministratorAccess, account: { name: production } }
    chained:
      kind: aws/assume-role
      via: { identity: production/AdministratorAccess }
      principal: { assume_role: "arn:aws:iam::222222222222:role/Deployer" }
`,
});

interface ChaosCommand {
  name: string;
  args: string[];
  /** Starts from a signed-in HOME (a copy of one login's state) rather than an empty one. */
  signedIn: boolean;
  operations: ChaosOperation[];
}

const LISTINGS: ChaosOperation[] = ['ListAccounts', 'ListAccountRoles'];
const CHAOS_COMMANDS: ChaosCommand[] = [
  {
    name: 'first login',
    args: ['login', '--use-device-code'],
    signedIn: false,
    operations: ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', ...LISTINGS],
  },
  {
    name: 'forced login',
    args: ['login', '--use-device-code', '--force'],
    signedIn: true,
    operations: ['StartDeviceAuthorization', 'CreateToken', ...LISTINGS],
  },
  { name: 'login with a session', args: ['login', '--use-device-code'], signedIn: true, operations: LISTINGS },
  { name: 'provision', args: ['provision'], signedIn: true, operations: LISTINGS },
  {
    name: 'credential-process',
    args: ['credential-process', '--identity', 'production/AdministratorAccess'],
    signedIn: true,
    operations: ['GetRoleCredentials'],
  },
  {
    name: 'credential-process, account by name',
    args: ['credential-process', '--identity', 'by-name'],
    signedIn: true,
    operations: ['ListAccounts', 'GetRoleCredentials'],
  },
  {
    name: 'whoami',
    args: ['whoami', '--identity', 'production/ReadOnlyAccess', '--format', 'json'],
    signedIn: true,
    operations: ['GetRoleCredentials', 'GetCallerIdentity'],
  },
  {
    name: 'whoami, chained',
    args: ['whoami', '--identity', 'chained'],
    signedIn: true,
    operations: ['GetRoleCredentials', 'AssumeRole', 'GetCallerIdentity'],
  },
];

const FIELDS: Record<ChaosOperation, string[]> = {
  RegisterClient: ['clientId', 'clientSecret', 'clientSecretExpiresAt', 'clientIdIssuedAt'],
  StartDeviceAuthorization: [
    'deviceCode',
    'userCode',
    'verificationUri',
    'verificationUriComplete',
    'expiresIn',
    'interval',
  ],
  CreateToken: ['accessToken', 'expiresIn', 'refreshToken', 'tokenType'],
  ListAccounts: ['accountList', 'accountId', 'accountName', 'emailAddress', 'nextToken'],
  ListAccountRoles: ['roleList', 'roleName', 'accountId', 'nextToken'],
  GetRoleCredentials: ['roleCredentials', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration'],
  Logout: [],
  GetCallerIdentity: ['GetCallerIdentityResult', 'Account', 'Arn', 'UserId'],
  AssumeRole: ['Credentials', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration', 'AssumedRoleUser', 'Arn'],
};

const mutationFor = (operation: ChaosOperation): fc.Arbitrary<Mutation> => {
  const fields = FIELDS[operation];
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom(...fields) }),
    fc.record({
      kind: fc.constant('retype' as const),
      field: fc.constantFrom(...fields),
      to: fc.constantFrom(...RETYPES),
    }),
    fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({
      kind: fc.constant('content-type' as const),
      value: fc.constantFrom('text/html', 'application/octet-stream', 'application/json; charset=latin1', ''),
    }),
    fc.record({ kind: fc.constant('empty-body' as const) }),
    fc.record({
      kind: fc.constant('body' as const),
      text: fc.constantFrom('null', '[]', '"text"', '42', '{', '{"__proto__":{"polluted":true}}', '<html>', '\u0000'),
    }),
    fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom(500, 502, 503, 504, 400, 401, 403, 404, 302, 204),
      html: fc.boolean(),
    }),
  ];
  if (LISTINGS.includes(operation)) {
    options.push(
      fc.record({
        kind: fc.constant('huge-page' as const),
        count: operation === 'ListAccounts' ? fc.integer({ min: 100, max: 3000 }) : fc.integer({ min: 50, max: 400 }),
      }),
      fc.record({ kind: fc.constant('loop-token' as const) }),
      fc.record({ kind: fc.constant('long-pagination' as const), pages: fc.integer({ min: 1, max: 30 }) }),
    );
  }
  return fc.oneof(...options);
};

const chaosRule = (operations: ChaosOperation[]): fc.Arbitrary<ChaosRule> =>
  fc.constantFrom(...operations).chain((operation) =>
    fc.record({
      operation: fc.constant(operation),
      mutation: mutationFor(operation),
      times: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    }),
  );

const chaosCase = fc.constantFrom(...CHAOS_COMMANDS).chain((command) =>
  fc.record({
    command: fc.constant(command),
    plan: fc.record({ rules: fc.array(chaosRule(command.operations), { minLength: 1, maxLength: 3 }) }),
  }),
);

const CHAOS_TIMEOUT_MS = 30_000;

/** What the plan makes certain about the end of the run, beyond the general rules. */
function loopExpectations(command: ChaosCommand, plan: ChaosPlan, outcome: Outcome, stats: ChaosStats): string[] {
  const problems: string[] = [];
  const accountRules = plan.rules.filter((rule) => rule.operation === 'ListAccounts');
  // However the other rules go, a looping token is followed a bounded number of times.
  if ((stats.loopTokenRequests['ListAccounts'] ?? 0) > 12) {
    problems.push(
      `ListAccounts was asked ${stats.loopTokenRequests['ListAccounts']} times for a page token seen before`,
    );
  }
  const onlyLoop = accountRules.length === 1 && accountRules[0]!.mutation.kind === 'loop-token';
  if (!onlyLoop || accountRules[0]!.times !== undefined) return problems;
  const listsAccounts = command.operations.includes('ListAccounts');
  if (!listsAccounts || outcome.hung) return problems;
  if (!/page token/.test(outcome.stderr)) problems.push('a looping page token was not reported');
  if (command.name === 'provision' || command.name.startsWith('credential-process')) {
    if (outcome.code !== 1) problems.push(`a looping ListAccounts ended with exit ${outcome.code}, not 1`);
  }
  return problems;
}

/** What a successful run printed must be what its command promises, whatever AWS answered. */
function outputProblems(command: ChaosCommand, stdout: string): string[] {
  if (command.args[0] === 'credential-process') {
    let output: Record<string, unknown>;
    try {
      output = JSON.parse(stdout);
    } catch {
      return ['credential-process printed no JSON'];
    }
    const problems: string[] = [];
    if (output['Version'] !== 1) problems.push('credential-process printed no Version 1');
    for (const key of ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']) {
      const value = output[key];
      if (typeof value !== 'string' || value === '')
        problems.push(`credential-process printed ${key} ${JSON.stringify(value)}`);
    }
    if (typeof output['Expiration'] === 'string' && Number.isNaN(Date.parse(output['Expiration']))) {
      problems.push('credential-process printed an Expiration that is not a time');
    }
    return problems;
  }
  if (command.args.includes('--format') && command.args.includes('json')) {
    try {
      JSON.parse(stdout);
    } catch {
      return ['--format json printed no JSON'];
    }
  }
  return [];
}

interface ChaosFixture {
  emu: Emulator;
  proxy: ChaosProxy;
  /** Gives a sandbox the state of one clean login through the proxy: a session and a provisioned file. */
  signIn(sandbox: Sandbox): void;
  /** The provisioned file of that login. */
  goldenProvisioned: string;
}

let chaosFixturePromise: Promise<ChaosFixture> | undefined;

/** One emulator behind one chaos proxy, and one login through it, for every test that attacks answers. */
function chaosFixture(): Promise<ChaosFixture> {
  chaosFixturePromise ??= (async () => {
    // Started here, not with the support helper: it closes an emulator when the test that started it ends.
    const emu = await startEmulator({ autoApprove: true });
    const proxy = await chaosProxy(emu.url);
    const golden = new Sandbox();
    golden.write('rolecall.yaml', CHAOS_CONFIG);
    const login = await golden.run(['login', '--use-device-code'], { env: { ...proxy.env, ROLECALL_KEYRING: 'file' } });
    expect(login.code, login.stderr).toBe(0);
    expect(readFileSync(golden.path(golden.provisionedFile('sso-prod')), 'utf8')).toContain(
      'production/AdministratorAccess',
    );
    const signIn = (sandbox: Sandbox) => {
      for (const part of ['.local/state/rolecall/secrets', '.cache/rolecall/auth']) {
        // rolecall's folders are private: copied with other modes, every run would warn about them.
        mkdirSync(dirname(sandbox.path(part)), { recursive: true, mode: 0o700 });
        cpSync(golden.path(part), sandbox.path(part), { recursive: true });
      }
    };
    return { emu, proxy, signIn, goldenProvisioned: golden.path(golden.provisionedFile('sso-prod')) };
  })();
  return chaosFixturePromise;
}

async function closeChaosFixture(): Promise<void> {
  const fixture = await chaosFixturePromise?.catch(() => undefined);
  chaosFixturePromise = undefined;
  await fixture?.proxy.close();
  await fixture?.emu.close();
}

/**
 * Property 3: login, provision, credential-process and whoami under hostile answers end with exit
 * 0-3, one line, no endless listing and no torn provisioned file.
 */
async function hostileAnswersProperty(): Promise<void> {
  const { proxy, signIn } = await chaosFixture();
  const property = fc.asyncProperty(chaosCase, async ({ command, plan }) => {
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', CHAOS_CONFIG);
    if (command.signedIn) signIn(sandbox);
    const provisioned = sandbox.path(sandbox.provisionedFile('sso-prod'));
    const before = existsSync(provisioned) ? readFileSync(provisioned, 'utf8') : undefined;
    const env = { ...proxy.env, ROLECALL_KEYRING: 'file', BROWSER: 'true' };
    proxy.setPlan(plan);
    let outcome: Outcome;
    let stats: ChaosStats;
    try {
      outcome = await runBounded(sandbox, command.args, { env, timeoutMs: CHAOS_TIMEOUT_MS });
    } finally {
      stats = proxy.stats();
      proxy.setPlan({ rules: [] });
    }
    const problems = [
      ...problemsOf(outcome, [0, 1, 2, 3]),
      ...loopExpectations(command, plan, outcome, stats),
      ...(outcome.code === 0 ? outputProblems(command, outcome.stdout) : []),
    ];

    // The provisioned file is the previous one, or a whole new one that loads.
    const after = existsSync(provisioned) ? readFileSync(provisioned, 'utf8') : undefined;
    if (after !== undefined && after !== before) {
      let parsed: unknown;
      try {
        parsed = parseYamlText(after, { uniqueKeys: false });
      } catch (error) {
        problems.push(`the provisioned file does not parse: ${(error as Error).message}`);
      }
      const identities = (parsed as { auth?: { identities?: unknown } } | undefined)?.auth?.identities;
      if (parsed !== undefined && (identities === null || typeof identities !== 'object')) {
        problems.push('the provisioned file has no auth.identities map');
      }
      const list = await runBounded(sandbox, ['list', '--format', 'json'], { env, timeoutMs: CHAOS_TIMEOUT_MS });
      // Exit 2 is the user's file: its chain may start from an identity this run no longer found.
      const blamesProvisioned = list.code === 2 && list.stderr.includes(provisioned);
      if (![0, 2].includes(list.code ?? -1) || blamesProvisioned || /damaged|unreadable/.test(list.stderr)) {
        problems.push(`the new provisioned file does not load: list exited ${list.code}: ${excerpt(list.stderr, 600)}`);
      }
    }
    if (problems.length > 0) {
      return failCase(
        'properties-hostile-answers',
        describeRun(
          `rolecall ${command.args.join(' ')} (${command.name})`,
          outcome,
          problems,
          `plan: ${excerpt(JSON.stringify(plan), 600)}\nproxy: ${JSON.stringify(stats)}`,
        ),
      );
    }
    rmSync(sandbox.home, { recursive: true, force: true });
  });
  await checkProperty(
    'properties-hostile-answers',
    'property: hostile emulator answers through a chaos proxy (login, provision, credential-process, whoami)',
    property,
    scaled(20, 200),
  );
}

// The three run side by side: each mostly waits on its child processes.
describe('properties that run rolecall', () => {
  afterAll(closeChaosFixture);

  it.concurrent(
    'random and mutated configurations: validate and list end with exit 0 or 2, agree, and place every error',
    configurationsProperty,
    timeLimit(150_000, 900_000),
  );

  it.concurrent(
    'random command lines end with exit 0, 1, 2 or 3 and one error line',
    argumentsProperty,
    timeLimit(150_000, 900_000),
  );

  it.concurrent(
    'hostile emulator answers: login, provision, credential-process and whoami end cleanly, bounded, files whole',
    hostileAnswersProperty,
    timeLimit(150_000, 900_000),
  );
});

// ---------------------------------------------------------------------------------------------------
// Property 4: the parsers of untrusted data, in process

const jsonish = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.json(),
    fc.record(fields, optional).map((value) => JSON.stringify(value)),
    fc.constantFrom('null', '[]', '{}', '"x"', '0', '{"__proto__":{"accessKeyId":"x"}}', ''),
  );
const looseValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('2026-01-01T00:00:00Z', 'not a date', '', 'AKIAEXAMPLE'),
  anyScalar,
  fc.jsonValue({ maxDepth: 1 }),
);
const fieldsOf = (names: string[]) => Object.fromEntries(names.map((name) => [name, looseValue]));

/** Names as rolecall writes them; the prefix keeps clear of bash's own (`_`, `PATH`, `UID`...). */
const variableName = fc.stringMatching(/^[A-Za-z0-9_]{0,11}$/).map((name) => `RC_${name}`);
/** Values a shell variable can hold: anything but NUL. */
const shellValue = fc
  .string({ maxLength: 40, unit: 'binary' })
  .map((value) => value.replaceAll('\0', '').replaceAll('\x01', ''));

describe('property: parsers of untrusted data never throw', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rolecall-properties-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('stored credentials, sessions, registrations and user keys read as valid or absent', async () => {
    const runs = scaled(300, 3000);
    const started = performance.now();
    const property = fc.property(
      jsonish(fieldsOf(['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration', 'fetchedAt'])),
      jsonish(fieldsOf(['startUrl', 'region', 'accessToken', 'expiresAt', 'refreshToken', 'clientId', 'clientSecret'])),
      jsonish(fieldsOf(['clientId', 'clientSecret', 'expiresAt', 'flow'])),
      (credentialsText, sessionText, registrationText) => {
        const credentials = parseCachedCredentials(credentialsText);
        if (credentials) {
          expect(typeof credentials.accessKeyId).toBe('string');
          expect(typeof credentials.secretAccessKey).toBe('string');
          expect(Number.isNaN(Date.parse(credentials.fetchedAt))).toBe(false);
          if (credentials.expiration !== undefined)
            expect(Number.isNaN(Date.parse(credentials.expiration))).toBe(false);
        }
        const keys = parseUserKeys(credentialsText);
        if (keys) expect(Object.keys(keys).sort()).toEqual(['accessKeyId', 'secretAccessKey']);
        const session = parseSession(sessionText);
        if (session) {
          expect(typeof session.accessToken).toBe('string');
          expect(Number.isNaN(Date.parse(session.expiresAt))).toBe(false);
        }
        const registration = parseRegistration(registrationText);
        if (registration) expect(['device', 'pkce']).toContain(registration.flow);
      },
    );
    recordChecks(
      'properties-parsers-records',
      'property: stored credentials, sessions, registrations and user keys parsed from random text',
      started,
      [fc.check(property, { numRuns: runs })],
    );
  });

  it('the credential index reads any file as the entry it names, or as absent', async () => {
    const dirs: StateDirs = {
      platform: 'linux',
      config: join(scratch, 'config'),
      cache: join(scratch, 'cache'),
      state: join(scratch, 'state'),
      data: join(scratch, 'data'),
    };
    const started = performance.now();
    const entryFields = {
      format: fc.oneof(fc.constant(1), anyScalar),
      configFile: fc.oneof(fc.constant('/home/me/rolecall.yaml'), looseValue),
      identity: fc.oneof(fc.constant('prod'), looseValue),
      name: looseValue,
      store: fc.oneof(fc.constantFrom('file', 'system'), looseValue),
      storeKey: looseValue,
      chainKeys: fc.oneof(fc.array(looseValue, { maxLength: 2 }), looseValue),
      expiration: looseValue,
      sources: looseValue,
      env: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), looseValue, { maxKeys: 2 }), looseValue),
    };
    const property = fc.property(jsonish(entryFields), fc.constantFrom('prod', 'other'), (text, identity) => {
      const file = credentialIndexPath(dirs, '/home/me/rolecall.yaml', identity);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      const warnings: string[] = [];
      const log = createLogger('warn', { write: (line: string) => warnings.push(line) });
      const entry = readCredentialIndex(dirs, '/home/me/rolecall.yaml', identity, log);
      // A damaged entry is reported in one line and removed, so that it is reported once.
      expect(warnings.length).toBeLessThanOrEqual(1);
      if (warnings.length === 1) expect(existsSync(file)).toBe(false);
      if (entry) {
        expect(entry.identity).toBe(identity);
        expect(entry.configFile).toBe('/home/me/rolecall.yaml');
        expect(Array.isArray(entry.chainKeys)).toBe(true);
      }
    });
    recordChecks(
      'properties-parsers-credential-index',
      'property: credential index files with random contents',
      started,
      [fc.check(property, { numRuns: scaled(200, 2000) })],
    );
  });

  it('provisioned files: random text reads as entries or absent; hostile names written read back the same', () => {
    const started = performance.now();
    const file = join(scratch, 'provisioned-identities.yaml');
    const assignment = fc.record({
      name: hostileName.filter((name) => name !== '__proto__'),
      accountId: fc.stringMatching(/^\d{12}$/),
      accountName: hostileName,
      role: hostileName,
    });
    const property = fc.property(
      fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.jsonValue().map((value) => stringifyYaml(value)),
      ),
      fc.uniqueArray(assignment, { maxLength: 6, selector: (entry) => entry.name }),
      (garbage, entries) => {
        writeFileSync(file, garbage);
        const read = readProvisionedEntries(file);
        if (read) for (const entry of read) expect(typeof entry.accountId).toBe('string');
        const metadata = {
          provider: 'sso-prod',
          startUrl: START_URL,
          region: 'us-east-1',
          provisionedAt: '2026-01-01T00:00:00.000Z',
          accounts: 1,
          roles: entries.length,
          staleAccounts: 0,
        };
        writeFileSync(file, renderProvisionedFile(metadata, entries));
        const back = readProvisionedEntries(file);
        const sortByName = (list: { name: string }[]) => [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
        expect(sortByName(back ?? [])).toEqual(sortByName(entries));
      },
    );
    recordChecks(
      'properties-parsers-provisioned-file',
      'property: provisioned files with random text, and hostile names written and read back',
      started,
      [fc.check(property, { numRuns: scaled(150, 1500) })],
    );
  });

  it('YAML config text: parsed with positions inside the text, or issues with positions', () => {
    const started = performance.now();
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      configDocument.map((doc) => yamlOf(doc)),
      fc
        .tuple(
          configDocument,
          fc.array(
            textEdit.filter((edit) => edit.op !== 'alias-bomb'),
            { maxLength: 3 },
          ),
        )
        .map(([doc, edits]) => edits.reduce(applyTextEdit, yamlOf(doc))),
    );
    const property = fc.property(text, (source) => {
      const lines = source.split(/\r\n|\r|\n/).length + 1;
      const result = parseYaml('/config/rolecall.yaml', source);
      const positions = result.ok
        ? [...result.source.origins.values()]
        : result.issues.flatMap((issue) => issue.at ?? []);
      for (const at of positions) {
        expect(at.file).toBe('/config/rolecall.yaml');
        expect(at.line).toBeGreaterThanOrEqual(1);
        expect(at.line).toBeLessThanOrEqual(lines);
        expect(at.column).toBeGreaterThanOrEqual(1);
      }
      if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
    });
    recordChecks(
      'properties-parsers-yaml',
      'property: config YAML parsed with positions from random and mutated text',
      started,
      [fc.check(property, { numRuns: scaled(300, 3000) })],
    );
  });

  it('identity lookup, fuzzy filter and the terraform shorthand keep to what they were given', () => {
    const started = performance.now();
    const names = fc.uniqueArray(hostileName, { maxLength: 12 });
    const lookupProperty = fc.property(
      names,
      fc.oneof(hostileName, fc.string({ maxLength: 30 })),
      (list, requested) => {
        const found = lookupIdentity(list, requested);
        if ('name' in found) {
          expect(list).toContain(found.name);
          expect(found.name.toLowerCase()).toBe(requested.toLowerCase());
        } else if ('ambiguous' in found) {
          expect(found.ambiguous.length).toBeGreaterThan(1);
          for (const name of found.ambiguous) expect(name.toLowerCase()).toBe(requested.toLowerCase());
        } else {
          expect(list).not.toContain(requested);
          expect(found.suggestions.length).toBeLessThanOrEqual(5);
          for (const name of found.suggestions) expect(list).toContain(name);
        }
        if (list.includes(requested)) expect(found).toEqual({ name: requested });
      },
    );
    const fuzzyProperty = fc.property(names, fc.oneof(hostileName, fc.string({ maxLength: 8 })), (list, term) => {
      const result = fuzzyFilter(list, term);
      expect(new Set(result).size).toBe(result.length);
      for (const name of result) expect(list).toContain(name);
      const needle = term.trim().toLowerCase();
      for (const name of list) if (name.toLowerCase().includes(needle)) expect(result).toContain(name);
    });
    const shorthandArg = fc.oneof(
      fc.constantFrom('--identity', '--export-keys', '--config', '--log-level', '--no-color', '--', '-var', 'x=1'),
      fc.constantFrom('--identity=prod', '--config=a.yaml', 'plan', 'apply', '--help', '-chdir=dir', 'debug'),
      fc.string({ maxLength: 8 }),
    );
    const shorthandProperty = fc.property(
      fc.array(fc.constantFrom('--config', 'c.yaml', '--no-color', '--log-level', 'warn'), { maxLength: 3 }),
      fc.constantFrom(...SHORTHAND_TOOLS, 'exec', 'list'),
      fc.array(shorthandArg, { maxLength: 8 }),
      (globals, tool, rest) => {
        const argv = [...globals, tool, ...rest];
        const words = shorthandToExec(argv);
        const toolAt = words.indexOf('--');
        if (!(SHORTHAND_TOOLS as readonly string[]).includes(tool) || words === argv) return;
        // rolecall exec [own...] -- tool [passed...]: nothing lost, nothing added but `exec` and `--`.
        expect(words[toolAt + 1]).toBe(tool);
        const given = [...argv];
        const userSeparator = given.indexOf('--', given.indexOf(tool) + 1);
        if (userSeparator >= 0) given.splice(userSeparator, 1);
        const produced = [...words];
        produced.splice(produced.indexOf('exec'), 1);
        produced.splice(produced.indexOf('--'), 1);
        expect([...produced].sort()).toEqual([...given].sort());
        // Everything after the user's own `--` reaches the tool, in order, at the end.
        if (userSeparator >= 0) {
          const afterSeparator = argv.slice(argv.indexOf('--', argv.indexOf(tool) + 1) + 1);
          expect(words.slice(words.length - afterSeparator.length)).toEqual(afterSeparator);
        }
      },
    );
    const runs = scaled(300, 3000);
    const results = [lookupProperty, fuzzyProperty, shorthandProperty].map((property) =>
      fc.check(property as fc.IPropertyWithHooks<unknown[]>, { numRuns: runs }),
    );
    recordChecks(
      'properties-parsers-names',
      'property: lookupIdentity, fuzzyFilter and shorthandToExec on random names and arguments',
      started,
      results,
    );
  });

  it('env values written for bash read back in bash exactly as given', () => {
    const started = performance.now();
    const vars = fc.uniqueArray(fc.tuple(variableName, shellValue), {
      minLength: 1,
      maxLength: 5,
      selector: ([name]) => name,
    });
    // Many cases per bash: each batch is one script, each case a subshell printing its values.
    const batches = fc.array(vars, { minLength: 1, maxLength: 20 });
    const property = fc.property(batches, (cases) => {
      const script = cases
        .map((pairs) => {
          const text = formatEnv(pairs, 'bash', ['AWS_PROFILE']);
          const print = pairs.map(([name]) => `printf '%s\\0' "$${name}"`).join('; ');
          return `(\n${text}${print}; printf '\\1')`;
        })
        .join('\n');
      const run = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
        env: { PATH: process.env['PATH'], LC_ALL: 'C.UTF-8' },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      const outputs = run.stdout.split('\x01').slice(0, -1);
      expect(outputs).toHaveLength(cases.length);
      cases.forEach((pairs, index) => {
        expect(outputs[index]!.split('\0').slice(0, -1)).toEqual(pairs.map(([, value]) => value));
      });
    });
    recordChecks(
      'properties-env-bash-round-trip',
      'property: formatEnv bash output evaluated by bash gives back every value',
      started,
      [fc.check(property, { numRuns: scaled(15, 150) })],
      'each case is a batch of up to 20 variable sets',
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Counterexamples the properties found, as plain tests. Each fails until rolecall is fixed.

/** A run that must end by itself, with the one-line error contract. */
function expectClean(outcome: Outcome, allowed: readonly number[], what: string): void {
  const problems = problemsOf(outcome, allowed);
  expect(problems, describeRun(what, outcome, problems)).toEqual([]);
}

// Each waits on its own child process, so they wait side by side.
describe.concurrent('counterexamples: configurations', () => {
  it('a config whose aliases expand to millions of values is refused within seconds, naming the file', async () => {
    const sandbox = new Sandbox();
    // 10 ** 7 values once every alias is expanded, from a 400-byte file ("billion laughs").
    const file = sandbox.write('rolecall.yaml', `${aliasBomb(6, 10)}auth: {}\n`);
    const outcome = await runBounded(sandbox, ['validate'], { env: { ROLECALL_KEYRING: 'file' }, timeoutMs: 10_000 });
    expectClean(outcome, [2], 'rolecall validate of an alias bomb');
    expect(outcome.stderr).toContain(file);
  }, 30_000);

  it('a key of 100,000 characters is reported in well under a second, not after a quadratic redaction', async () => {
    const sandbox = new Sandbox();
    const file = sandbox.write('rolecall.yaml', `? ${'k'.repeat(100_000)}\n: false\n`);
    const outcome = await runBounded(sandbox, ['validate'], { env: { ROLECALL_KEYRING: 'file' }, timeoutMs: 8_000 });
    expectClean(outcome, [2], 'rolecall validate of a config with a 100,000-character key');
    expect(outcome.stderr).toContain(`${file}:1:3: `);
  }, 30_000);

  it('an import of /dev/zero is refused, not read until memory runs out', async () => {
    const sandbox = new Sandbox();
    const file = sandbox.write('rolecall.yaml', 'import: [/dev/zero]\n');
    // Bounded memory, so that the unfixed reader aborts instead of taking the machine's memory.
    const running = startProcess(
      'sh',
      ['-c', 'ulimit -v 3000000 && exec "$0" "$@"', process.execPath, cliPath, 'validate'],
      { cwd: sandbox.home, env: { ...sandbox.env, ROLECALL_KEYRING: 'file' } },
    );
    const result = await running.done;
    const outcome: Outcome = { ...result, hung: false, ms: 0 };
    expectClean(outcome, [2], 'rolecall validate of a config importing /dev/zero');
    expect(outcome.stderr).toContain(file);
    expect(outcome.stderr).toContain('/dev/zero');
  }, 60_000);

  it('an import that names a FIFO is refused instead of waiting for a writer forever', async () => {
    const sandbox = new Sandbox();
    // Named directly: a glob matches regular files only.
    const file = sandbox.write('rolecall.yaml', 'import: [pipe.yaml]\n');
    expect(spawnSync('mkfifo', [sandbox.path('pipe.yaml')]).status).toBe(0);
    const outcome = await runBounded(sandbox, ['validate'], { env: { ROLECALL_KEYRING: 'file' }, timeoutMs: 10_000 });
    expectClean(outcome, [2], 'rolecall validate of a config importing a FIFO');
    expect(outcome.stderr).toContain(file);
  }, 30_000);
});

/** Runs one command from a signed-in (or empty) HOME with the proxy spoiling answers as planned. */
async function underPlan(
  plan: ChaosPlan,
  args: string[],
  options: { signedIn?: boolean; timeoutMs?: number } = {},
): Promise<{ outcome: Outcome; stats: ChaosStats; sandbox: Sandbox }> {
  const { proxy, signIn } = await chaosFixture();
  const sandbox = new Sandbox();
  sandbox.write('rolecall.yaml', CHAOS_CONFIG);
  if (options.signedIn ?? true) signIn(sandbox);
  proxy.setPlan(plan);
  try {
    const outcome = await runBounded(sandbox, args, {
      env: { ...proxy.env, ROLECALL_KEYRING: 'file', BROWSER: 'true' },
      timeoutMs: options.timeoutMs ?? CHAOS_TIMEOUT_MS,
    });
    return { outcome, stats: proxy.stats(), sandbox };
  } finally {
    proxy.setPlan({ rules: [] });
  }
}

const always = (operation: ChaosOperation, mutation: Mutation): ChaosPlan => ({ rules: [{ operation, mutation }] });

// What the properties assert when a plan happens to loop, pinned for every listing rolecall follows.
describe('a page token seen twice stops the listing with an error', () => {
  afterAll(closeChaosFixture);

  it('in discovery: provision exits 1 naming the loop, and keeps the previous identities', async () => {
    const { outcome, stats, sandbox } = await underPlan(always('ListAccounts', { kind: 'loop-token' }), ['provision']);
    expectClean(outcome, [1], 'rolecall provision with a looping ListAccounts');
    const previous = readFileSync((await chaosFixture()).goldenProvisioned, 'utf8');
    expect(readFileSync(sandbox.path(sandbox.provisionedFile('sso-prod')), 'utf8')).toBe(previous);
    expect(outcome.stderr).toMatch(/^error: ListAccounts never ends \(the same page token came back/m);
    expect(stats.loopTokenRequests['ListAccounts']).toBe(1);
  });

  it('in discovery: accounts whose role listings loop keep their previous identities, marked stale', async () => {
    const { outcome, stats } = await underPlan(always('ListAccountRoles', { kind: 'loop-token' }), [
      'provision',
      '--format',
      'json',
    ]);
    expectClean(outcome, [0], 'rolecall provision with looping ListAccountRoles');
    const result = JSON.parse(outcome.stdout) as { failedAccounts: { error: string }[]; identities: number };
    expect(result.failedAccounts).toHaveLength(12);
    for (const failed of result.failedAccounts) expect(failed.error).toMatch(/page token/);
    expect(result.identities).toBe(29);
    // Each account's listing followed the looping token once, then stopped.
    expect(stats.loopTokenRequests['ListAccountRoles']).toBe(12);
  });

  it('in the account lookup by name: credential-process exits 1 naming the loop', async () => {
    const { outcome, stats } = await underPlan(always('ListAccounts', { kind: 'loop-token' }), [
      'credential-process',
      '--identity',
      'by-name',
    ]);
    expectClean(outcome, [1], 'rolecall credential-process (account by name) with a looping ListAccounts');
    expect(outcome.stderr).toMatch(/^error: ListAccounts at .* returned a page token twice$/m);
    expect(stats.loopTokenRequests['ListAccounts']).toBe(1);
  });

  it('a long but finite listing is followed to its end', async () => {
    const { outcome, stats } = await underPlan(always('ListAccounts', { kind: 'long-pagination', pages: 40 }), [
      'provision',
      '--format',
      'json',
    ]);
    expectClean(outcome, [0], 'rolecall provision with 40 extra ListAccounts pages');
    expect(JSON.parse(outcome.stdout).identities).toBe(29);
    expect(stats.requests['ListAccounts']).toBe(41);
  });
});

describe('counterexamples: hostile emulator answers', () => {
  afterAll(closeChaosFixture);

  it('provision survives an account name that is not a string', async () => {
    const { outcome } = await underPlan(
      always('ListAccounts', { kind: 'retype', field: 'accountName', to: 'number' }),
      ['provision'],
    );
    expectClean(outcome, [0, 1], 'rolecall provision with numeric account names');
  });

  it('looking an account up by name survives an account name that is not a string', async () => {
    const { outcome } = await underPlan(
      always('ListAccounts', { kind: 'retype', field: 'accountName', to: 'number' }),
      ['credential-process', '--identity', 'by-name'],
    );
    expectClean(outcome, [1, 2], 'rolecall credential-process (account by name) with numeric account names');
  });

  it.each([
    ['a string', 'string'],
    ['a number past any date', 'huge-number'],
  ] as const)('credential-process refuses role credentials whose expiration is %s', async (_, to) => {
    const { outcome } = await underPlan(always('GetRoleCredentials', { kind: 'retype', field: 'expiration', to }), [
      'credential-process',
      '--identity',
      'production/AdministratorAccess',
    ]);
    expectClean(outcome, [1], `rolecall credential-process with expiration ${to}`);
  });

  it('credential-process never prints an AccessKeyId that is not a string', async () => {
    const command = CHAOS_COMMANDS.find((entry) => entry.name === 'credential-process')!;
    const { outcome } = await underPlan(
      always('GetRoleCredentials', { kind: 'retype', field: 'accessKeyId', to: 'number' }),
      command.args,
    );
    expectClean(outcome, [0, 1], 'rolecall credential-process with a numeric AccessKeyId');
    if (outcome.code === 0) expect(outputProblems(command, outcome.stdout)).toEqual([]);
  });

  it('a login whose new client registration is refused twice ends with a clear error', async () => {
    const { outcome } = await underPlan(
      always('RegisterClient', { kind: 'retype', field: 'clientId', to: 'string' }),
      ['login', '--use-device-code'],
      { signedIn: false },
    );
    expectClean(outcome, [1, 3], 'rolecall login when every client registration is refused');
  });

  it('a token lifetime past any date ends the login with a clear error', async () => {
    const { outcome } = await underPlan(
      always('CreateToken', { kind: 'retype', field: 'expiresIn', to: 'huge-number' }),
      ['login', '--use-device-code', '--force'],
    );
    expectClean(outcome, [1], 'rolecall login with expiresIn 2^53');
  });

  it('an AWS answer that cannot be read gives a one-line error', async () => {
    const { outcome } = await underPlan(
      always('GetCallerIdentity', { kind: 'retype', field: 'Account', to: 'object' }),
      ['whoami', '--identity', 'production/ReadOnlyAccess'],
    );
    expectClean(outcome, [1], 'rolecall whoami with an unreadable GetCallerIdentity answer');
  });

  it.runIf(FULL)(
    'looking an account up by name stops a listing whose page tokens never end',
    async () => {
      const { outcome, stats } = await underPlan(
        always('ListAccounts', { kind: 'endless-pagination' }),
        ['credential-process', '--identity', 'by-name'],
        { timeoutMs: 90_000 },
      );
      expectClean(outcome, [1], 'rolecall credential-process (account by name) with endless ListAccounts pages');
      // As many pages as discovery allows itself (10,000), not more.
      expect(stats.requests['ListAccounts']).toBeLessThanOrEqual(10_001);
    },
    120_000,
  );
});

describe.concurrent('counterexamples: device authorization polling', () => {
  /** A first login through its own proxy, to an emulator where nobody approves: rolecall polls until the code expires. */
  const login = async (plan: ChaosPlan, timeoutMs: number) => {
    const emu = await startEmulator({ autoApprove: false });
    const proxy = await chaosProxy(emu.url, plan);
    try {
      const sandbox = new Sandbox();
      sandbox.write('rolecall.yaml', CHAOS_CONFIG);
      const outcome = await runBounded(sandbox, ['login', '--use-device-code'], {
        env: { ...proxy.env, ROLECALL_KEYRING: 'file', BROWSER: 'true' },
        timeoutMs,
      });
      return { outcome, stats: proxy.stats() };
    } finally {
      await proxy.close();
      await emu.close();
    }
  };

  it('a poll interval too large for a timer does not make login poll in a tight loop', async () => {
    const { outcome, stats } = await login(
      always('StartDeviceAuthorization', { kind: 'retype', field: 'interval', to: 'huge-number' }),
      4_000,
    );
    // At least a second between polls, as RFC 8628 and AWS ask: a handful in 4 seconds, not hundreds.
    expect(stats.requests['CreateToken'] ?? 0).toBeLessThanOrEqual(5);
    expect(outcome.stderr).not.toMatch(/TimeoutOverflowWarning|\(node:\d+\)/);
  }, 30_000);

  it('a poll interval longer than the code lives ends the login when the code expires', async () => {
    const { outcome } = await login(
      always('StartDeviceAuthorization', {
        kind: 'body',
        text: JSON.stringify({
          deviceCode: 'chaos-device-code',
          userCode: 'CHAO-SCOD',
          verificationUri: 'http://127.0.0.1/device',
          expiresIn: 2,
          interval: 100_000,
        }),
      }),
      15_000,
    );
    expectClean(outcome, [3], 'rolecall login with a 100,000-second poll interval and a 2-second code');
    expect(outcome.stderr).toMatch(/expired/);
  }, 30_000);
});
