// A small table router: a route is a method and a path pattern with named hex/number parameters.
// A path that matches with another method answers 405 with `Allow`; no match, 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The decoded JSON body (capped; 415 unless application/json). */
  body(): Promise<unknown>;
}

/** A JSON answer, or 'handled' when the handler wrote the response itself (events, file data). */
export type RouteResult = { readonly status: number; readonly body: unknown } | 'handled';

export type Handler = (ctx: RouteContext) => Promise<RouteResult>;

interface Route {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: Handler;
}

const PARAM_PATTERNS: Record<string, string> = {
  infoHash: '([0-9a-fA-F]{40})',
  index: '(\\d{1,9})',
  action: '(pause|resume|recheck)',
};

export class Router {
  readonly #routes: Route[] = [];

  /** `path` like '/api/v1/torrents/:infoHash/files/:index'. */
  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      const p = PARAM_PATTERNS[name];
      if (p === undefined) throw new Error(`no pattern for :${name}`);
      return p;
    });
    this.#routes.push({ method, path, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Every route as 'METHOD /path/:param' (what the OpenAPI file must document). */
  routes(): { method: string; path: string }[] {
    return this.#routes.map((r) => ({ method: r.method, path: r.path }));
  }

  /** The handler and parameters for a request, or the ApiError to answer with. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const m = route.pattern.exec(pathname);
      if (m === null) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = m[i + 1]!));
      return { handler: route.handler, params };
    }
    if (allowed.length > 0) throw Object.assign(new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here (allowed: ${allowed.join(', ')})`), { allow: allowed.join(', ') });
    throw new ApiError(404, 'NOT_FOUND', `no such endpoint: ${pathname}`);
  }
}
