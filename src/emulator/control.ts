import type { Fault, FaultSpec } from './faults.js';
import { FaultSpecError } from './faults.js';
import { type EmuRequest, jsonReply, type Reply } from './http.js';
import type { Org } from './org.js';
import type { StatsSnapshot } from './stats.js';

/** What tests and demos may do to a running emulator, in-process or over `/_emulator/...`. */
export interface EmulatorControl {
  stats(): StatsSnapshot;
  resetStats(): void;
  /** Approves a pending device code as the user would on the verification page; false if none is pending. */
  approve(userCode: string): boolean;
  deny(userCode: string): boolean;
  injectFault(spec: FaultSpec): Fault;
  /** Clears the faults of one operation, or all. */
  clearFaults(operation?: string): void;
  faults(): Fault[];
  /** Revokes every access token (portal calls then get 401); with `refreshTokens`, ends every sign-in too. */
  revokeTokens(options?: { refreshTokens?: boolean }): void;
}

class ControlRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const jsonBody = (req: EmuRequest): Record<string, unknown> => {
  if (req.body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(req.body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ControlRequestError(400, 'the body must be a JSON object');
};

const stringMember = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new ControlRequestError(400, `${name} (a string) is required`);
  return value;
};

// Taken as sent: `faults.add` checks the type and range of every member and names what is wrong.
const faultSpec = (body: Record<string, unknown>): FaultSpec => ({
  operation: stringMember(body, 'operation'),
  error: body['error'] as string | undefined,
  status: body['status'] as number | undefined,
  message: body['message'] as string | undefined,
  count: body['count'] as number | undefined,
  latencyMs: body['latency_ms'] as number | undefined,
});

/** The `/_emulator/...` routes (docs/emulator.md lists them). */
export const createControlRoutes = (control: EmulatorControl, org: Org): ((req: EmuRequest) => Reply) => {
  const decide = (req: EmuRequest, allow: boolean): Reply => {
    const userCode = stringMember(jsonBody(req), 'user_code');
    const done = allow ? control.approve(userCode) : control.deny(userCode);
    if (!done) throw new ControlRequestError(404, `no pending device authorization has user_code ${userCode}`);
    return jsonReply({ user_code: userCode, status: allow ? 'approved' : 'denied' });
  };

  const routes: Record<string, Record<string, (req: EmuRequest) => Reply>> = {
    '/_emulator/stats': { GET: () => jsonReply(control.stats()) },
    '/_emulator/reset-stats': {
      POST: () => {
        control.resetStats();
        return jsonReply(control.stats());
      },
    },
    '/_emulator/faults': {
      GET: () => jsonReply({ faults: control.faults() }),
      POST: (req) => {
        const body = jsonBody(req);
        if (body['reset'] === true) control.clearFaults(stringMember(body, 'operation'));
        else control.injectFault(faultSpec(body));
        return jsonReply({ faults: control.faults() });
      },
      DELETE: () => {
        control.clearFaults();
        return jsonReply({ faults: [] });
      },
    },
    '/_emulator/approve': { POST: (req) => decide(req, true) },
    '/_emulator/deny': { POST: (req) => decide(req, false) },
    '/_emulator/revoke': {
      POST: (req) => {
        const refreshTokens = jsonBody(req)['refresh_tokens'] === true;
        control.revokeTokens({ refreshTokens });
        return jsonReply({ revoked: refreshTokens ? ['access_tokens', 'refresh_tokens'] : ['access_tokens'] });
      },
    },
    '/_emulator/org': { GET: () => jsonReply(org) },
  };

  return (req) => {
    const methods = routes[req.path];
    const handler = methods?.[req.method];
    try {
      if (!methods) throw new ControlRequestError(404, `unknown control route ${req.path}`);
      if (!handler) throw new ControlRequestError(405, `${req.path} accepts ${Object.keys(methods).join(', ')}`);
      return handler(req);
    } catch (error) {
      if (error instanceof ControlRequestError) return jsonReply({ error: error.message }, error.status);
      if (error instanceof FaultSpecError) return jsonReply({ error: error.message }, 400);
      throw error;
    }
  };
};
