import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface CallbackResult {
  code?: string;
  error?: string;
  description?: string;
}

/** Anything from the query goes into the page as text, never as markup. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export interface LoopbackCallback {
  redirectUri: string;
  /** Settles with the first callback whose `state` matches; others get an error page and are ignored. */
  result: Promise<CallbackResult>;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${title}</h1><p>${body}</p></body></html>`;

/**
 * The loopback redirect target of the authorization-code flow (RFC 8252 §7.3): a one-shot HTTP server
 * on 127.0.0.1 and a free port, listening before the browser opens.
 */
export async function startLoopbackCallback(expectedState: string): Promise<LoopbackCallback> {
  let settle!: (result: CallbackResult) => void;
  const result = new Promise<CallbackResult>((resolve) => {
    settle = resolve;
  });
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, title: string, body: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page(title, body));
    };
    if (url.pathname !== '/oauth/callback')
      return reply(404, 'Not found', 'This address only receives the sign-in result.');
    if (url.searchParams.get('state') !== expectedState) {
      return reply(
        400,
        'Sign-in not accepted',
        'This response does not belong to the sign-in rolecall started. Start again from the terminal.',
      );
    }
    const error = url.searchParams.get('error');
    if (error) {
      const what =
        error === 'access_denied' ? 'Access was not allowed.' : `The sign-in ended with “${escapeHtml(error)}”.`;
      reply(200, 'Sign-in not completed', `${what} You can close this tab and return to the terminal.`);
      return settle({ error, description: url.searchParams.get('error_description') ?? undefined });
    }
    const code = url.searchParams.get('code');
    if (!code) return reply(400, 'Sign-in not accepted', 'The response carries no authorization code.');
    reply(200, 'Signed in to rolecall', 'You can close this tab and return to the terminal.');
    settle({ code });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    result,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
