// GET /api/v1/events: server-sent events. `added` {torrent}, `removed` {infoHash} and `state`
// {infoHash, state, previous, torrent} go out at once; progress is gathered and sent as one
// `progress` {torrents: [...]} event a second for the torrents that reported any. Nothing is
// gathered and no timer runs while no client listens, so an idle daemon stays idle.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TorrentRegistry } from './torrent-registry.js';
import { torrentSummary } from './views.js';

export const PROGRESS_INTERVAL_MS = 1000;
/** A comment line now and then keeps proxies and browsers from timing the stream out. */
export const HEARTBEAT_MS = 15_000;
/** Clients at once; more get 503 (each is a socket and a share of every event). */
export const MAX_CLIENTS = 32;

export class EventStream {
  readonly #registry: TorrentRegistry;
  readonly #clients = new Set<ServerResponse>();
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #beats = 0;

  constructor(registry: TorrentRegistry) {
    this.#registry = registry;
    registry.on('added', (entry) => this.#send('added', { torrent: torrentSummary(entry) }));
    registry.on('removed', (infoHash) => {
      this.#dirty.delete(infoHash);
      this.#send('removed', { infoHash });
    });
    registry.on('state', (entry, previous) => {
      const torrent = torrentSummary(entry);
      this.#send('state', { infoHash: torrent.infoHash, state: torrent.state, previous, torrent });
    });
    registry.on('progress', (entry) => {
      if (this.#clients.size > 0) this.#dirty.add(entry.record.infoHash);
    });
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Takes over the response: headers, a first `hello` event with every torrent, then events. */
  attach(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#clients.size >= MAX_CLIENTS) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n`);
    res.write(frame('hello', { torrents: this.#registry.entries().map(torrentSummary) }));
    this.#clients.add(res);
    const detach = (): void => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stopTimer();
    };
    req.on('close', detach);
    res.on('error', detach);
    this.#startTimer();
    return true;
  }

  /** Ends every stream (the daemon is stopping). */
  close(): void {
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    this.#stopTimer();
  }

  #send(event: string, data: object): void {
    if (this.#clients.size === 0) return;
    const text = frame(event, data);
    for (const res of this.#clients) res.write(text);
  }

  #flushProgress(): void {
    if (this.#dirty.size > 0) {
      const torrents = [];
      for (const hash of this.#dirty) {
        const entry = this.#registry.find(hash);
        if (entry !== undefined) torrents.push(torrentSummary(entry));
      }
      this.#dirty.clear();
      if (torrents.length > 0) this.#send('progress', { torrents });
    }
    this.#beats += PROGRESS_INTERVAL_MS;
    if (this.#beats >= HEARTBEAT_MS) {
      this.#beats = 0;
      for (const res of this.#clients) res.write(': keep-alive\n\n');
    }
  }

  #startTimer(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#flushProgress(), PROGRESS_INTERVAL_MS);
    this.#timer.unref();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
  }
}

function frame(event: string, data: object): string {
  // JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
