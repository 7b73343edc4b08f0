import { type Clock, systemClock } from './clock.js';
import type { Org } from './org.js';
import { sampleOrg } from './sample-org.js';

export interface RequestLogEntry {
  operation: string;
  method: string;
  /** The path without its query: queries can carry credentials (console federation). */
  path: string;
  /** 0 when an injected fault reset the connection. */
  status: number;
  durationMs: number;
  /** The stack of an unexpected error: a bug in the emulator, answered with a 500. */
  error?: string;
}

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The address to listen on; 127.0.0.1 unless set, and only loopback names are accepted in `Host` then. */
  host?: string;
  /** The organisation to serve; the sample organisation if absent. */
  org?: Org;
  /** Approve device codes at their first poll and answer `/authorize` with the redirect at once. */
  autoApprove?: boolean;
  /** Delay added to every AWS operation. */
  latencyMs?: number;
  /** Requests per second shared by all portal operations, answered with 429 beyond it; off when absent or 0. */
  rateLimit?: number;
  /** Page size of ListAccounts and ListAccountRoles when the client sends no `max_result`. */
  pageSize?: number;
  /** Access token lifetime in seconds (default 3600). */
  tokenTtl?: number;
  /** Role credential lifetime in seconds unless the permission set sets its own (default 3600). */
  credentialTtl?: number;
  /** Portal session lifetime in seconds: refresh tokens die with it (default 8 h). */
  sessionTtl?: number;
  clock?: Clock;
  /** Called after every AWS operation, for request logs. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface Settings {
  org: Org;
  autoApprove: boolean;
  latencyMs: number;
  rateLimit: number;
  pageSize: number;
  tokenTtlSeconds: number;
  credentialTtlSeconds: number;
  sessionTtlSeconds: number;
  clock: Clock;
}

/** Lifetimes and limits of the real service (docs/aws-wire-protocol.md §7). */
export const SERVICE_LIMITS = {
  registrationSeconds: 90 * 24 * 3600,
  deviceCodeSeconds: 600,
  deviceIntervalSeconds: 1,
  slowDownStepSeconds: 5,
  authorizationCodeSeconds: 600,
  signinTokenSeconds: 900,
  maxPageSize: 100,
} as const;

export const resolveSettings = (options: EmulatorOptions): Settings => ({
  org: options.org ?? sampleOrg(),
  autoApprove: options.autoApprove ?? false,
  latencyMs: options.latencyMs ?? 0,
  rateLimit: options.rateLimit ?? 0,
  pageSize: options.pageSize ?? 20,
  tokenTtlSeconds: options.tokenTtl ?? 3600,
  credentialTtlSeconds: options.credentialTtl ?? 3600,
  sessionTtlSeconds: options.sessionTtl ?? 8 * 3600,
  clock: options.clock ?? systemClock,
});
