import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EndpointEnv, endpointEnv } from '../../src/emulator/index.js';

/**
 * A hostile network between rolecall and the emulator: an HTTP proxy on 127.0.0.1 that forwards every
 * request to the emulator and then spoils its answer as a plan says (fields dropped or of the wrong
 * type, huge pages, page tokens that loop, truncated or empty bodies, wrong content types, 5xx). The
 * emulator stays the honest other half; only what rolecall reads is attacked.
 */

/** The AWS operations rolecall calls, as the proxy recognises them from the request. */
export const CHAOS_OPERATIONS = [
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'ListAccounts',
  'ListAccountRoles',
  'GetRoleCredentials',
  'Logout',
  'GetCallerIdentity',
  'AssumeRole',
] as const;
export type ChaosOperation = (typeof CHAOS_OPERATIONS)[number];

/** What a field's value is replaced with. */
export const RETYPES = [
  'string',
  'empty-string',
  'huge-string',
  'unicode',
  'number',
  'float',
  'negative',
  'zero',
  'huge-number',
  'null',
  'bool',
  'object',
  'array',
] as const;
export type Retype = (typeof RETYPES)[number];

export type Mutation =
  /** Removes every key (JSON) or element (XML) of this name. */
  | { kind: 'drop'; field: string }
  /** Gives every key or element of this name a value of another type. */
  | { kind: 'retype'; field: string; to: Retype }
  /** Adds this many made-up accounts (ListAccounts) or roles (ListAccountRoles) to the page. */
  | { kind: 'huge-page'; count: number }
  /** Every page says there is a next one, with the same token each time. */
  | { kind: 'loop-token' }
  /** The next `pages` pages each get a new token, then the listing ends as the emulator says. */
  | { kind: 'long-pagination'; pages: number }
  /** Every page has a new token, for ever: a listing that never ends. */
  | { kind: 'endless-pagination' }
  /** Only the first `fraction` of the body arrives. */
  | { kind: 'truncate'; fraction: number }
  | { kind: 'content-type'; value: string }
  | { kind: 'empty-body' }
  /** This body in place of the real one. */
  | { kind: 'body'; text: string }
  /** Another status, with the real body or an HTML error page. */
  | { kind: 'status'; status: number; html: boolean };

export interface ChaosRule {
  /** An operation, or `*` for every one. */
  operation: ChaosOperation | '*';
  mutation: Mutation;
  /** How many matching answers it spoils; every one when absent. */
  times?: number;
}

export interface ChaosPlan {
  rules: ChaosRule[];
}

export interface ChaosStats {
  /** Requests seen, by operation (`other` for anything unrecognised). */
  requests: Record<string, number>;
  /** Answers a rule changed. */
  mutated: number;
  /** Requests that carried a page token the proxy made up to loop, by operation. */
  loopTokenRequests: Record<string, number>;
  /** Requests that carried an endless-pagination token, by operation. */
  endlessTokenRequests: Record<string, number>;
}

export interface ChaosProxy {
  url: string;
  /** The variables that point rolecall's AWS clients at the proxy. */
  env: EndpointEnv;
  /** Replaces the plan (and resets how often each rule has applied) and the stats. */
  setPlan(plan: ChaosPlan): void;
  stats(): ChaosStats;
  close(): Promise<void>;
}

const LOOP_TOKEN = 'chaos-loop';
const ENDLESS_PREFIX = 'chaos-endless-';
const LONG_PREFIX = 'chaos-long-';
/** Accounts the proxy made up have ids starting so; their role listings are answered by the proxy. */
const FAKE_ACCOUNT_PREFIX = '90';

const HUGE_STRING = 'x'.repeat(100_000);
const UNICODE = 'Ünïcødé/名前/../\u202e\u0000\t"\'$`\\ 🙂';

const JSON_VALUES: Record<Retype, unknown> = {
  string: 'chaos',
  'empty-string': '',
  'huge-string': HUGE_STRING,
  unicode: UNICODE,
  // Small enough to be a plausible count or a poll interval in seconds.
  number: 3,
  float: 1.5,
  negative: -1,
  zero: 0,
  'huge-number': Number.MAX_SAFE_INTEGER,
  null: null,
  bool: true,
  object: { chaos: true },
  array: ['chaos'],
};

const escapeXml = (text: string) =>
  text.replace(/[<>&]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[char]!);

const XML_VALUES: Record<Retype, string> = {
  string: 'chaos',
  'empty-string': '',
  'huge-string': HUGE_STRING,
  unicode: escapeXml(UNICODE.replace('\u0000', '')),
  number: '3',
  float: '1.5',
  negative: '-1',
  zero: '0',
  'huge-number': String(Number.MAX_SAFE_INTEGER),
  null: '',
  bool: 'true',
  object: '<Chaos>true</Chaos>',
  array: '<member>chaos</member><member>chaos</member>',
};

const PATHS: Record<string, ChaosOperation> = {
  '/client/register': 'RegisterClient',
  '/device_authorization': 'StartDeviceAuthorization',
  '/token': 'CreateToken',
  '/assignment/accounts': 'ListAccounts',
  '/assignment/roles': 'ListAccountRoles',
  '/federation/credentials': 'GetRoleCredentials',
  '/logout': 'Logout',
};

function operationOf(path: string, body: Buffer): ChaosOperation | 'other' {
  const known = PATHS[path];
  if (known) return known;
  if (path === '/') {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action === 'GetCallerIdentity' || action === 'AssumeRole') return action;
  }
  return 'other';
}

const isListing = (operation: string) => operation === 'ListAccounts' || operation === 'ListAccountRoles';

/** Removes or replaces, at any depth, every key of this name. */
function rewriteJson(value: unknown, field: string, replace: ((old: unknown) => unknown) | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteJson(item, field, replace));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === field) {
      if (replace) result[key] = replace(item);
      continue;
    }
    result[key] = rewriteJson(item, field, replace);
  }
  return result;
}

function rewriteXml(text: string, field: string, replacement: string | undefined): string {
  const element = new RegExp(`<${field}>[\\s\\S]*?</${field}>`, 'g');
  return text.replace(element, replacement === undefined ? '' : `<${field}>${replacement}</${field}>`);
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

const isXml = (answer: Answer) => /xml/.test(answer.headers['content-type'] ?? '') || /^\s*</.test(String(answer.body));

/** Rewrites the answer's JSON object when it is one; anything else is left as it is. */
function withJson(answer: Answer, change: (value: Record<string, unknown>) => unknown): Answer {
  const value = parseJson(answer.body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return answer;
  return { ...answer, body: Buffer.from(JSON.stringify(change(value as Record<string, unknown>))) };
}

function fakeAccounts(count: number, from: number) {
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    return {
      accountId: `${FAKE_ACCOUNT_PREFIX}${String(n).padStart(10, '0')}`,
      accountName: `chaos-${n}`,
      emailAddress: `chaos-${n}@example.com`,
    };
  });
}

function createState() {
  return {
    plan: { rules: [] } as ChaosPlan,
    applied: [] as number[],
    endless: 0,
    fakeAccounts: 0,
    stats: { requests: {}, mutated: 0, loopTokenRequests: {}, endlessTokenRequests: {} } as ChaosStats,
  };
}

type State = ReturnType<typeof createState>;

function mutate(state: State, operation: string, mutation: Mutation, answer: Answer): Answer {
  switch (mutation.kind) {
    case 'drop':
      return isXml(answer)
        ? { ...answer, body: Buffer.from(rewriteXml(String(answer.body), mutation.field, undefined)) }
        : withJson(answer, (value) => rewriteJson(value, mutation.field, undefined));
    case 'retype':
      return isXml(answer)
        ? { ...answer, body: Buffer.from(rewriteXml(String(answer.body), mutation.field, XML_VALUES[mutation.to])) }
        : withJson(answer, (value) => rewriteJson(value, mutation.field, () => JSON_VALUES[mutation.to]));
    case 'huge-page':
      if (operation === 'ListAccounts') {
        return withJson(answer, (value) => {
          const list = Array.isArray(value['accountList']) ? value['accountList'] : [];
          const made = fakeAccounts(mutation.count, state.fakeAccounts);
          state.fakeAccounts += mutation.count;
          return { ...value, accountList: [...list, ...made] };
        });
      }
      if (operation === 'ListAccountRoles') {
        return withJson(answer, (value) => {
          const list = Array.isArray(value['roleList']) ? value['roleList'] : [];
          const made = Array.from({ length: mutation.count }, (_, index) => ({ roleName: `ChaosRole${index}` }));
          return { ...value, roleList: [...list, ...made] };
        });
      }
      return answer;
    case 'loop-token':
      return isListing(operation) ? withJson(answer, (value) => ({ ...value, nextToken: LOOP_TOKEN })) : answer;
    case 'endless-pagination':
      return isListing(operation)
        ? withJson(answer, (value) => ({ ...value, nextToken: `${ENDLESS_PREFIX}${state.endless++}` }))
        : answer;
    case 'long-pagination':
      // The token says how many made-up pages are left; the emulator's own token ends the listing.
      return answer;
    case 'truncate': {
      const keep = Math.max(0, Math.min(answer.body.length - 1, Math.floor(answer.body.length * mutation.fraction)));
      return { ...answer, body: answer.body.subarray(0, keep) };
    }
    case 'content-type':
      return { ...answer, headers: { ...answer.headers, 'content-type': mutation.value } };
    case 'empty-body':
      return { ...answer, body: Buffer.alloc(0) };
    case 'body':
      return { ...answer, body: Buffer.from(mutation.text) };
    case 'status':
      return mutation.html
        ? {
            status: mutation.status,
            headers: { 'content-type': 'text/html' },
            body: Buffer.from(`<html><body><h1>${mutation.status} Chaos</h1></body></html>`),
          }
        : { ...answer, status: mutation.status };
  }
}

/** The request as the emulator should see it: page tokens the proxy made up are taken out. */
function forwardedPath(state: State, operation: string, rawPath: string): { path: string; longLeft?: number } {
  const at = rawPath.indexOf('?');
  if (at < 0 || !isListing(operation)) return { path: rawPath };
  const query = new URLSearchParams(rawPath.slice(at + 1));
  const token = query.get('next_token');
  if (token === null || !token.startsWith('chaos-')) return { path: rawPath };
  const counts = token === LOOP_TOKEN ? state.stats.loopTokenRequests : state.stats.endlessTokenRequests;
  if (token === LOOP_TOKEN || token.startsWith(ENDLESS_PREFIX)) counts[operation] = (counts[operation] ?? 0) + 1;
  let longLeft: number | undefined;
  if (token.startsWith(LONG_PREFIX)) {
    // chaos-long-<left>-<emulator token or empty>
    const [, left = '0', ...rest] = token.slice('chaos-'.length).split('-');
    longLeft = Number(left);
    const original = rest.join('-');
    if (original) query.set('next_token', original);
    else query.delete('next_token');
  } else {
    query.delete('next_token');
  }
  const rest = query.toString();
  return { path: rawPath.slice(0, at) + (rest ? `?${rest}` : ''), longLeft };
}

/** Made-up accounts have no roles at the emulator: the proxy answers for them. */
function fakeRoleListing(operation: string, rawPath: string): Answer | undefined {
  if (operation !== 'ListAccountRoles') return undefined;
  const query = new URLSearchParams(rawPath.slice(rawPath.indexOf('?') + 1));
  const account = query.get('account_id') ?? '';
  if (!account.startsWith(FAKE_ACCOUNT_PREFIX) || account.length !== 12) return undefined;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ roleList: [{ roleName: 'ReadOnlyAccess', accountId: account }] })),
  };
}

const readAll = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

function forward(agent: Agent, target: URL, req: IncomingMessage, path: string, body: Buffer): Promise<Answer> {
  const headers: IncomingHttpHeaders = { ...req.headers };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      // The Host header is kept: SigV4 signed it, and the emulator checks it is a loopback name.
      { host: target.hostname, port: target.port, method: req.method, path, headers, agent },
      (res) => {
        readAll(res).then((answerBody) => {
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined || ['content-length', 'transfer-encoding', 'connection'].includes(name)) continue;
            answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 502, headers: answerHeaders, body: answerBody });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Starts the proxy in front of `targetUrl` (the emulator's url). */
export async function chaosProxy(targetUrl: string, plan: ChaosPlan = { rules: [] }): Promise<ChaosProxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const state = createState();
  const setPlan = (next: ChaosPlan) => {
    state.plan = next;
    state.applied = next.rules.map(() => 0);
    state.endless = 0;
    state.fakeAccounts = 0;
    state.stats = { requests: {}, mutated: 0, loopTokenRequests: {}, endlessTokenRequests: {} };
  };
  setPlan(plan);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readAll(req);
    const rawPath = req.url ?? '/';
    const operation = operationOf(rawPath.split('?')[0]!, body);
    state.stats.requests[operation] = (state.stats.requests[operation] ?? 0) + 1;
    const { path, longLeft } = forwardedPath(state, operation, rawPath);
    let answer = fakeRoleListing(operation, path) ?? (await forward(agent, target, req, path, body));
    let changed = false;
    state.plan.rules.forEach((rule, index) => {
      if (rule.operation !== '*' && rule.operation !== operation) return;
      if (rule.times !== undefined && state.applied[index]! >= rule.times) return;
      state.applied[index]!++;
      changed = true;
      if (rule.mutation.kind === 'long-pagination' && isListing(operation)) {
        const left = longLeft ?? rule.mutation.pages;
        if (left > 0) {
          answer = withJson(answer, (value) => {
            const original = typeof value['nextToken'] === 'string' ? value['nextToken'] : '';
            return { ...value, nextToken: `${LONG_PREFIX}${left - 1}-${original}` };
          });
        }
        return;
      }
      answer = mutate(state, operation, rule.mutation, answer);
    });
    if (changed) state.stats.mutated++;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`chaos proxy: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: endpointEnv(url),
    setPlan,
    stats: () => structuredClone(state.stats),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
