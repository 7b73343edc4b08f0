import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { type EndpointEnv, endpointEnv } from '../../src/emulator/index.js';

/**
 * What the secrets scan looks for and where it looks: every secret the emulator hands out, taken off
 * the wire by a recording proxy in front of it (so rotated refresh tokens, credentials fetched by a
 * child's `credential_process` and console sign-in tokens are caught too, whether or not rolecall
 * keeps them), then searched for in outputs, files and process command lines.
 */

export type SecretKind =
  | 'access token'
  | 'refresh token'
  | 'client secret'
  | 'device code'
  | 'secret access key'
  | 'session token'
  | 'console sign-in token';

/** The JSON members (OIDC, portal, federation) and XML elements (STS) that carry each kind. */
const JSON_MEMBERS: Record<string, SecretKind> = {
  accessToken: 'access token',
  refreshToken: 'refresh token',
  clientSecret: 'client secret',
  deviceCode: 'device code',
  secretAccessKey: 'secret access key',
  sessionToken: 'session token',
  SigninToken: 'console sign-in token',
  // As `credential-process` and the AWS CLI cache spell them.
  SecretAccessKey: 'secret access key',
  SessionToken: 'session token',
};
const XML_ELEMENTS: Record<string, SecretKind> = {
  SecretAccessKey: 'secret access key',
  SessionToken: 'session token',
};

/** Every secret seen, with its kind and where it was first seen. */
export class SecretHarvest {
  readonly secrets = new Map<string, { kind: SecretKind; source: string }>();

  add(kind: SecretKind, value: unknown, source: string): void {
    // Shorter values would match by chance; every secret the emulator issues is far longer.
    if (typeof value !== 'string' || value.length < 16 || this.secrets.has(value)) return;
    this.secrets.set(value, { kind, source });
  }

  /** Secrets in any JSON text: every member of a known name, at any depth. */
  addJson(text: string, source: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, member] of Object.entries(value)) {
          const kind = JSON_MEMBERS[key];
          if (kind) this.add(kind, member, source);
          else walk(member);
        }
      }
    };
    walk(parsed);
  }

  addXml(text: string, source: string): void {
    for (const [element, kind] of Object.entries(XML_ELEMENTS)) {
      for (const match of text.matchAll(new RegExp(`<${element}>([^<]+)</${element}>`, 'g')))
        this.add(kind, match[1], source);
    }
  }

  countByKind(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { kind } of this.secrets.values()) counts[kind] = (counts[kind] ?? 0) + 1;
    return counts;
  }

  get size(): number {
    return this.secrets.size;
  }
}

/** One secret found where it must not be. */
export interface Hit {
  place: string;
  kind: SecretKind;
  /** How it was written there: as it is, percent-encoded, or only a piece of it. */
  form: string;
  /** Enough of the secret to tell which one, not enough to use it. */
  excerpt: string;
}

/** The forms a secret can take in text: as it is, percent-encoded (URLs, form bodies), slashes escaped, and a piece from its middle. */
function forms(secret: string): [string, string][] {
  const variants: [string, string][] = [['as is', secret]];
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) variants.push(['percent-encoded', encoded]);
  // Some JSON writers escape every slash.
  if (secret.includes('/')) variants.push(['with escaped slashes', secret.replaceAll('/', '\\/')]);
  // A truncated or re-wrapped secret still gives away most of it.
  const middle = secret.slice(Math.floor(secret.length / 2) - 10, Math.floor(secret.length / 2) + 10);
  variants.push(['a piece of it', middle]);
  if (encodeURIComponent(middle) !== middle) variants.push(['a piece, percent-encoded', encodeURIComponent(middle)]);
  return variants;
}

/** Every harvested secret that occurs in `text`, in any of its forms. */
export function scanText(text: string, harvest: SecretHarvest, place: string): Hit[] {
  const hits: Hit[] = [];
  if (!text) return hits;
  for (const [secret, { kind }] of harvest.secrets) {
    for (const [form, needle] of forms(secret)) {
      if (text.includes(needle)) {
        hits.push({ place, kind, form, excerpt: `${secret.slice(0, 6)}…(${secret.length} chars)` });
        break;
      }
    }
  }
  return hits;
}

/** A proxy in front of the emulator that keeps a copy of every secret its answers carry. */
export interface RecordingProxy {
  url: string;
  /** The variables that point rolecall and the AWS SDKs at the proxy instead of the emulator. */
  env: EndpointEnv;
  harvest: SecretHarvest;
  /** Requests forwarded to the emulator. */
  requests: number;
  close(): Promise<void>;
}

export async function recordingProxy(target: string, harvest = new SecretHarvest()): Promise<RecordingProxy> {
  const upstream = new URL(target);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      const body = Buffer.concat(chunks);
      // Sent on unchanged, Host header included: STS checks the SigV4 signature, which covers it.
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            const source = `${req.method} ${(req.url ?? '').split('?')[0]}`;
            harvest.addJson(text, source);
            harvest.addXml(text, source);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: endpointEnv(url),
    harvest,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A process started from the sandbox (its environment names the sandbox's HOME), as /proc showed it. */
export interface SeenProcess {
  pid: number;
  /** The command that was running when it appeared. */
  during: string;
  /** Every command line it had (a child shows its parent's until it executes its own program). */
  cmdlines: Set<string>;
  environ: string;
  /** Its parent pid when first seen. */
  ppid: number;
}

const readProc = (pid: number, file: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
};

/** A process's parent and start time (clock ticks since boot), from /proc/<pid>/stat; undefined once it has gone. */
function statOf(pid: number): { ppid: number; start: string } | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, ...
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), start: fields[19] ?? '' };
}

/**
 * Watches /proc for every process whose environment holds this HOME (rolecall, its children, a browser
 * it started and left, the `credential_process` calls of a child's AWS SDK): even one reparented when
 * its parent exited is told apart from the rest of the machine. Command lines are read again at every
 * look, since a child shows its parent's until it executes its own program.
 */
export class ProcessWatch {
  /**
   * By pid and start time: pids are reused (pid_max is 32768 here, and a test run starts thousands of
   * processes), and a process that got the pid of one judged not ours must still be looked at.
   */
  readonly seen = new Map<string, SeenProcess>();
  private readonly ignored = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private during = '(before)';
  looks = 0;

  constructor(
    private readonly home: string,
    private readonly intervalMs = 5,
  ) {
    // Whatever runs now is not ours.
    for (const pid of this.pids()) {
      const stat = statOf(pid);
      if (stat) this.ignored.add(`${pid}:${stat.start}`);
    }
  }

  /** Whether the process with this pid was seen (it ran long enough to be looked at). */
  sawPid(pid: number): boolean {
    return [...this.seen.values()].some((known) => known.pid === pid);
  }

  private pids(): number[] {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  }

  /** Names the command that new processes belong to. */
  set current(label: string) {
    this.during = label;
  }

  look(): void {
    this.looks++;
    const marker = `HOME=${this.home}\0`;
    for (const pid of this.pids()) {
      const stat = statOf(pid);
      if (!stat) continue;
      const key = `${pid}:${stat.start}`;
      if (this.ignored.has(key)) continue;
      let known = this.seen.get(key);
      if (!known) {
        const environ = readProc(pid, 'environ');
        if (environ === undefined) continue;
        const { ppid } = stat;
        if (!`\0${environ}`.includes(`\0${marker}`)) {
          // Not ours; but a child of this test process shows the test's environment until it executes
          // rolecall with the sandbox's, so it is looked at again.
          if (ppid !== process.pid) this.ignored.add(key);
          continue;
        }
        known = { pid, during: this.during, cmdlines: new Set(), environ, ppid };
        this.seen.set(key, known);
      }
      const cmdline = readProc(pid, 'cmdline');
      if (cmdline) known.cmdlines.add(cmdline.replace(/\0$/, '').split('\0').join(' '));
      // An environment is fixed at exec: the latest one is the program's own.
      const environ = readProc(pid, 'environ');
      if (environ) known.environ = environ;
    }
  }

  start(): void {
    this.timer = setInterval(() => this.look(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.look();
  }
}

export interface Entry {
  /** Relative to the folder walked. */
  path: string;
  kind: 'file' | 'folder' | 'symlink' | 'other';
  /** Permission bits; 0 for a symlink. */
  mode: number;
}

/** Every entry below `root` (symlinks not followed), relative to it, with its kind and mode. */
export function walk(root: string): Entry[] {
  const entries: Entry[] = [];
  const visit = (folder: string) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(folder, name);
      const stats = lstatSync(full, { throwIfNoEntry: false });
      if (!stats) continue;
      const path = relative(root, full);
      const mode = stats.mode & 0o7777;
      if (stats.isSymbolicLink()) entries.push({ path, kind: 'symlink', mode: 0 });
      else if (stats.isDirectory()) {
        entries.push({ path, kind: 'folder', mode });
        visit(full);
      } else if (stats.isFile()) entries.push({ path, kind: 'file', mode });
      else entries.push({ path, kind: 'other', mode });
    }
  };
  visit(root);
  return entries;
}
