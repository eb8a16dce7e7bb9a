// The /api/v1 endpoints (documented in apps/cli/docs/daemon-api.yaml).
import { ApiError, badRequest } from './api-error.js';
import type { EventStream } from './event-stream.js';
import { Router, type RouteContext, type RouteResult } from './router.js';
import type { TorrentRegistry } from './torrent-registry.js';
import { parseAddRequest, parsePrioritiesRequest, parseQueueRequest, parseSessionPatch } from './validate.js';
import { filesView, peersView, sessionView, torrentSummary, trackersView } from './views.js';

export interface ApiParts {
  readonly registry: TorrentRegistry;
  readonly events: EventStream;
  /** For the files' stream URLs (fileKey). */
  readonly token: string;
  /** GET .../files/:index: serves a file of a torrent (file-stream.ts). */
  readonly streamFile?: (ctx: RouteContext) => Promise<RouteResult>;
}

const ok = (body: unknown, status = 200): RouteResult => ({ status, body });

export function apiRouter({ registry, events, token, streamFile }: ApiParts): Router {
  const router = new Router();
  const base = '/api/v1';
  router.add('GET', `${base}/torrents`, async () => ok({ torrents: registry.entries().map(torrentSummary) }));
  router.add('POST', `${base}/torrents`, async (ctx) => {
    const request = parseAddRequest(await ctx.body());
    const entry = await registry.add(request);
    return ok({ infoHash: entry.record.infoHash, torrent: torrentSummary(entry) }, 201);
  });
  router.add('GET', `${base}/torrents/:infoHash`, async ({ params }) => ok(torrentSummary(registry.entry(params['infoHash']!))));
  router.add('DELETE', `${base}/torrents/:infoHash`, async ({ params, query }) => {
    const deleteData = flag(query, 'deleteData');
    await registry.remove(params['infoHash']!, deleteData);
    return ok({ removed: params['infoHash']!.toLowerCase(), deletedData: deleteData });
  });
  router.add('POST', `${base}/torrents/:infoHash/:action`, async ({ params }) => {
    const hash = params['infoHash']!;
    const action = params['action'];
    const entry = action === 'pause' ? await registry.pause(hash) : action === 'resume' ? await registry.resume(hash) : await registry.recheck(hash);
    return ok(torrentSummary(entry));
  });
  router.add('GET', `${base}/torrents/:infoHash/files`, async ({ params }) => ok({ files: filesView(registry.entry(params['infoHash']!), token) }));
  router.add('PUT', `${base}/torrents/:infoHash/files`, async (ctx) => {
    const priorities = parsePrioritiesRequest(await ctx.body());
    const entry = await registry.setPriorities(ctx.params['infoHash']!, priorities);
    return ok({ files: filesView(entry, token) });
  });
  router.add('PUT', `${base}/torrents/:infoHash/queue`, async (ctx) => {
    const position = parseQueueRequest(await ctx.body());
    return ok(torrentSummary(await registry.moveQueue(ctx.params['infoHash']!, position)));
  });
  if (streamFile !== undefined) router.add('GET', `${base}/torrents/:infoHash/files/:index`, streamFile);
  router.add('GET', `${base}/torrents/:infoHash/peers`, async ({ params }) => ok({ peers: peersView(registry.entry(params['infoHash']!)) }));
  router.add('GET', `${base}/torrents/:infoHash/trackers`, async ({ params }) => ok({ trackers: trackersView(registry.entry(params['infoHash']!)) }));
  const session = (): RouteResult => ok(sessionView(registry.entries(), registry.settings, registry.session.port, registry.session.dhtNodes, registry.session.setActiveLimits()));
  router.add('GET', `${base}/session`, async () => session());
  router.add('PUT', `${base}/session`, async (ctx) => {
    const patch = parseSessionPatch(await ctx.body());
    if (patch.limits !== undefined) await registry.setLimits(patch.limits);
    if (patch.activeLimits !== undefined) await registry.setActiveLimits(patch.activeLimits);
    return session();
  });
  router.add('GET', `${base}/events`, async ({ req, res }) => {
    if (!events.attach(req, res)) throw new ApiError(503, 'UNAVAILABLE', 'too many event streams open');
    return 'handled';
  });
  return router;
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1' || v === '') return true;
  throw badRequest('expected true or false', name);
}
