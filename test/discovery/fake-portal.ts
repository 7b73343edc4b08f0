import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface FakeAnswer {
  status?: number;
  /** Sent as JSON… */
  body?: unknown;
  /** …or this, as an HTML page (what a load balancer in front of a service says). */
  html?: string;
}

/**
 * A portal that answers as the test says, for behaviour the emulator will not show (a server that
 * hands out the same page token forever), and that records what it was asked.
 */
export async function fakePortal(answer: (path: string, query: URLSearchParams) => FakeAnswer) {
  const requests: { path: string; query: URLSearchParams }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: url.searchParams });
    const { status = 200, body, html } = answer(url.pathname, url.searchParams);
    res.writeHead(status, { 'content-type': html === undefined ? 'application/json' : 'text/html' });
    res.end(html ?? JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running.push(server);
  return { url, requests, env: { AWS_ENDPOINT_URL_SSO: url } };
}

const running: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  await Promise.all(
    running.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});
