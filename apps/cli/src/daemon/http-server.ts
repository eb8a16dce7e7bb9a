// The daemon's HTTP server: every request passes the Host and Origin checks (host-check.ts); /api/
// requests need the bearer token; the rest is the static web UI. Handlers throw ApiError for
// anything a client did wrong, and any other failure becomes a 500 with the same error shape.
import http from 'node:http';
import { ApiError } from './api-error.js';
import { authorizationMatches, fileKeyMatches } from './api-token.js';
import { hostAllowed, originAllowed, type HostPolicy } from './host-check.js';
import { readJsonBody, sendError, sendJson } from './http-io.js';
import type { Router } from './router.js';

export interface DaemonServerOptions {
  readonly router: Router;
  readonly token: string;
  /** The Host values requests may carry (host-check.ts). */
  readonly hosts: HostPolicy;
  readonly bodyLimit: number;
  /** Serves everything outside /api/ (the web UI); true when it answered. */
  readonly staticFiles?: (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => boolean;
  /** A failure that is not the client's: logged by the caller. */
  readonly onInternalError?: (error: unknown) => void;
}

export function createDaemonServer(options: DaemonServerOptions): http.Server {
  const server = http.createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.onInternalError?.(error);
      sendError(res, new ApiError(500, 'INTERNAL', 'internal error (see the daemon\'s log)'));
    });
  });
  // Slow or idle clients do not hold sockets forever; event streams are kept alive by heartbeats.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  // Longer than clients keep idle connections (undici: 4 s), so a client never reuses a connection
  // the server is closing at that moment (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 100;
  return server;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, options: DaemonServerOptions): Promise<void> {
  if (!hostAllowed(req.headers.host, options.hosts)) {
    sendError(res, new ApiError(403, 'FORBIDDEN', 'this Host is not one the daemon answers to (add it with --allow-host)'));
    return;
  }
  if (!originAllowed(req.headers.origin, options.hosts)) {
    sendError(res, new ApiError(403, 'FORBIDDEN', 'requests from other origins are not allowed'));
    return;
  }
  const url = new URL(req.url ?? '/', 'http://daemon.invalid');
  const pathname = url.pathname;
  if (!pathname.startsWith('/api/')) {
    if ((req.method === 'GET' || req.method === 'HEAD') && options.staticFiles?.(req, res, pathname) === true) return;
    sendError(res, new ApiError(404, 'NOT_FOUND', `no such page: ${pathname}`));
    return;
  }
  const fileKey = (req.method === 'GET' || req.method === 'HEAD') && fileKeyMatches(options.token, pathname, url.searchParams.get('key'));
  if (!fileKey && !authorizationMatches(req.headers.authorization, options.token)) {
    // Drain nothing: the connection closes after the answer, so an unread body costs nothing.
    res.setHeader('connection', 'close');
    sendError(res, new ApiError(401, 'UNAUTHORIZED', 'send Authorization: Bearer <token> (the token is in the state folder, file api-token)'), { 'www-authenticate': 'Bearer realm="typetorrent"' });
    return;
  }
  try {
    const { handler, params } = options.router.match(req.method ?? 'GET', pathname);
    const result = await handler({ req, res, params, query: url.searchParams, body: async () => await readJsonBody(req, options.bodyLimit) });
    if (result !== 'handled') sendJson(res, result.status, result.body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const { allow, contentRange } = error as ApiError & { allow?: string; contentRange?: string };
    sendError(res, error, { ...(allow === undefined ? {} : { allow }), ...(contentRange === undefined ? {} : { 'content-range': contentRange }) });
  }
}
