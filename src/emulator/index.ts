import { createAuthorizationCodeFlow } from './authorization-code.js';
import { createBrowserPages } from './browser.js';
import { createClientRegistry } from './clients.js';
import { createControlRoutes, type EmulatorControl } from './control.js';
import { createCredentialStore } from './credentials.js';
import { createDeviceFlow } from './device-flow.js';
import { createFaults } from './faults.js';
import { createFederation } from './federation.js';
import { describeOrg, type Org } from './org.js';
import { createPortal } from './portal.js';
import { createRateLimiter } from './rate-limit.js';
import { createRouter } from './routes.js';
import { closeServer, createRequestListener, isLoopbackAddress, isLoopbackHostHeader, listen } from './server.js';
import { createSessions } from './sessions.js';
import { type EmulatorOptions, resolveSettings } from './settings.js';
import { createStats } from './stats.js';
import { createSts } from './sts.js';
import { createTokenOperation } from './token.js';

export type { Clock } from './clock.js';
export type { EmulatorControl } from './control.js';
export type { Fault, FaultSpec } from './faults.js';
export { FaultSpecError } from './faults.js';
export type { OperationName } from './operations.js';
export { OPERATIONS } from './operations.js';
export type { Org, OrgAccount, OrgRole } from './org.js';
export { describeOrg, generateOrg, OrgError, PERMISSION_SET_NAMES, parseOrg } from './org.js';
export { SAMPLE_ORG_YAML, sampleOrg } from './sample-org.js';
export { isLoopbackAddress } from './server.js';
export type { EmulatorOptions, RequestLogEntry } from './settings.js';
export type { StatsSnapshot } from './stats.js';

export interface Emulator extends EmulatorControl {
  /** `http://127.0.0.1:PORT`: the endpoint of every service. */
  url: string;
  port: number;
  host: string;
  org: Org;
  /** The variables that point AWS SDKs and CLIs at this emulator. */
  env: EndpointEnv;
  close(): Promise<void>;
}

/** The variables that point AWS SDKs, CLIs and rolecall at one endpoint for every service the emulator serves. */
export type EndpointEnv = {
  AWS_ENDPOINT_URL_SSO: string;
  AWS_ENDPOINT_URL_SSO_OIDC: string;
  AWS_ENDPOINT_URL_STS: string;
  /** Console federation, as `rolecall console` reads it (not an SDK service). */
  AWS_ENDPOINT_URL_SIGNIN: string;
};

export const endpointEnv = (url: string): EndpointEnv => ({
  AWS_ENDPOINT_URL_SSO: url,
  AWS_ENDPOINT_URL_SSO_OIDC: url,
  AWS_ENDPOINT_URL_STS: url,
  AWS_ENDPOINT_URL_SIGNIN: url,
});

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::']);

const urlHost = (host: string): string => {
  if (WILDCARD_ADDRESSES.has(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};

/** Starts an emulated IAM Identity Center (SSO OIDC, portal, STS, console federation) on one port. */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const settings = resolveSettings(options);
  const { clock, org } = settings;
  const host = options.host ?? '127.0.0.1';

  const sessions = createSessions(clock, settings.tokenTtlSeconds, settings.sessionTtlSeconds);
  const credentials = createCredentialStore(clock);
  const clients = createClientRegistry(settings);
  const deviceFlow = createDeviceFlow(settings, clients);
  const codeFlow = createAuthorizationCodeFlow(settings, clients);
  const stats = createStats();
  const faults = createFaults();

  const control: EmulatorControl = {
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    approve: (userCode) => deviceFlow.decide(userCode, true),
    deny: (userCode) => deviceFlow.decide(userCode, false),
    injectFault: (spec) => faults.add(spec),
    clearFaults: (operation) => faults.clear(operation),
    faults: () => faults.list(),
    revokeTokens: ({ refreshTokens = false } = {}) => {
      if (refreshTokens) sessions.endAllSignIns();
      else sessions.revokeAccessTokens();
    },
  };

  const listener = createRequestListener({
    route: createRouter({
      clients,
      deviceFlow,
      createToken: createTokenOperation({ user: org.user, clients, deviceFlow, codeFlow, sessions }),
      portal: createPortal(settings, sessions, credentials),
      sts: createSts(clock, credentials),
      federation: createFederation(clock, credentials),
      browser: createBrowserPages(org.user, deviceFlow, codeFlow),
      summary: describeOrg(org),
    }),
    control: createControlRoutes(control, org),
    stats,
    faults,
    rateLimiter: settings.rateLimit > 0 ? createRateLimiter(settings.rateLimit, clock) : undefined,
    latencyMs: settings.latencyMs,
    hostAllowed: isLoopbackAddress(host) ? isLoopbackHostHeader : () => true,
    onRequest: options.onRequest,
  });
  const { server, port } = await listen(listener, options.port ?? 0, host);
  const url = `http://${urlHost(host)}:${port}`;

  return {
    ...control,
    url,
    port,
    host,
    org,
    env: endpointEnv(url),
    close: () => closeServer(server),
  };
};
