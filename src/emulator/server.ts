import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsError, awsError, encodeError } from './errors.js';
import { CONNECTION_RESET, type Faults } from './faults.js';
import { BodyTooLargeError, type EmuRequest, type Reply, readBody, textReply } from './http.js';
import { PORTAL_OPERATIONS } from './operations.js';
import type { RateLimiter } from './rate-limit.js';
import type { Operation } from './routes.js';
import type { RequestLogEntry } from './settings.js';
import type { Stats } from './stats.js';

const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/_emulator/';

export interface Pipeline {
  route(req: EmuRequest): Operation | Reply;
  control(req: EmuRequest): Reply;
  stats: Stats;
  faults: Faults;
  rateLimiter: RateLimiter | undefined;
  latencyMs: number;
  /** False for `Host` headers a loopback-only emulator must not answer (DNS rebinding). */
  hostAllowed(host: string | undefined): boolean;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
}

const send = (res: ServerResponse, reply: Reply, requestId: string): void => {
  // Gone (a reset fault, a closed server) or already answered: nothing more to say.
  if (res.destroyed || res.headersSent) return;
  res.writeHead(reply.status, {
    ...reply.headers,
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(reply.body),
  });
  res.end(reply.body);
};

const errorText = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

const LOOPBACK_HOST_HEADER = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?$/i;

export const isLoopbackAddress = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);

export const isLoopbackHostHeader = (host: string | undefined): boolean =>
  host !== undefined && LOOPBACK_HOST_HEADER.test(host);

/**
 * Every AWS request goes through the same steps: count it, wait the configured latency, apply an
 * injected fault, apply the portal rate limit, run it, and encode any error as its service does.
 */
const answer = async (pipeline: Pipeline, operation: Operation, req: EmuRequest, res: ServerResponse) => {
  const { stats, faults, rateLimiter } = pipeline;
  stats.count(operation.name);
  if (pipeline.latencyMs > 0) await sleep(pipeline.latencyMs);

  const fault = faults.take(operation.name);
  if (fault && fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault?.error === CONNECTION_RESET) {
    res.socket?.resetAndDestroy();
    return 0;
  }
  let reply: Reply;
  if (fault?.error !== undefined) {
    reply = encodeError(operation.protocol, awsError(fault.error, fault.message, fault.status), req.requestId);
  } else if (rateLimiter && PORTAL_OPERATIONS.has(operation.name) && !rateLimiter.tryTake()) {
    stats.countThrottled();
    reply = encodeError(operation.protocol, awsError('TooManyRequestsException'), req.requestId);
  } else {
    try {
      reply = operation.run();
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      reply = encodeError(operation.protocol, error, req.requestId);
    }
  }
  send(res, reply, req.requestId);
  return reply.status;
};

const toEmuRequest = (req: IncomingMessage, body: Buffer): EmuRequest => {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
  return {
    method: req.method ?? 'GET',
    path: queryStart < 0 ? url : url.slice(0, queryStart),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: req.headers,
    body,
    requestId: randomUUID(),
    origin: `http://${req.headers.host ?? '127.0.0.1'}`,
  };
};

export const createRequestListener = (pipeline: Pipeline) => {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    if (!pipeline.hostAllowed(req.headers.host)) {
      send(res, textReply('This emulator only answers requests addressed to a loopback name.\n', 403), randomUUID());
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) send(res, textReply(`${error.message}\n`, 413), randomUUID());
      return;
    }
    const emuReq = toEmuRequest(req, body);
    if (emuReq.path.startsWith(CONTROL_PREFIX)) {
      send(res, pipeline.control(emuReq), emuReq.requestId);
      return;
    }
    const routed = pipeline.route(emuReq);
    if (!('run' in routed)) {
      send(res, routed, emuReq.requestId);
      return;
    }
    let status = 500;
    let failure: string | undefined;
    try {
      status = await answer(pipeline, routed, emuReq, res);
    } catch (error) {
      // A bug in the emulator: answer as the service would, and report it rather than crash.
      failure = errorText(error);
      const internal = routed.protocol === 'query' ? 'InternalFailure' : 'InternalServerException';
      send(res, encodeError(routed.protocol, awsError(internal), emuReq.requestId), emuReq.requestId);
    }
    pipeline.onRequest?.({
      operation: routed.name,
      method: emuReq.method,
      path: emuReq.path,
      status,
      durationMs: Math.round(performance.now() - started),
      ...(failure === undefined ? {} : { error: failure }),
    });
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      send(res, textReply('Internal error in the emulator\n', 500), randomUUID());
      pipeline.onRequest?.({
        operation: '(emulator)',
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0] ?? '',
        status: 500,
        durationMs: 0,
        error: errorText(error),
      });
    });
  };
};

export interface Listening {
  server: Server;
  port: number;
}

export const listen = (listener: ReturnType<typeof createRequestListener>, port: number, host: string) =>
  new Promise<Listening>((resolve, reject) => {
    const server = createServer(listener);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });

export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open until the clients let go.
    server.closeAllConnections();
  });
