import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One request as the operations see it: read in full, nothing left to stream. */
export interface EmuRequest {
  method: string;
  /** The path as sent, still percent-encoded (SigV4 signs it that way). */
  path: string;
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
  /** `http://host:port` as the client addressed us, for URLs we hand back. */
  origin: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const jsonReply = (value: unknown, status = 200): Reply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export const xmlReply = (body: string, status = 200): Reply => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

export const htmlReply = (body: string, status = 200): Reply => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

export const textReply = (body: string, status: number): Reply => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

export const redirectReply = (location: string): Reply => ({ status: 302, headers: { location }, body: '' });

export const emptyReply = (): Reply => ({ status: 200, headers: {}, body: '' });

export class BodyTooLargeError extends Error {}

export const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> => {
  // Most portal calls are GETs without a body: skip the stream machinery for them.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        // Drain the rest unread, so the client still gets the 413.
        req.off('data', collect);
        req.resume();
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
      }
    };
    req.on('data', collect);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
};

/** Query parameters and a form-encoded body together, the way query-protocol services read them. */
export const formParams = (req: EmuRequest): URLSearchParams => {
  const params = new URLSearchParams(req.rawQuery);
  if (req.body.length > 0) {
    for (const [name, value] of new URLSearchParams(req.body.toString('utf8'))) params.append(name, value);
  }
  return params;
};

export const singleHeader = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};
