// BEP 15 UDP tracker client. One client owns at most two sockets (udp4 and udp6, opened on first
// use) and serves any number of trackers and torrents at once: replies are matched to requests by
// transaction id (see transactions.ts), and connection ids are cached per tracker for 60 s.
import dgram from 'node:dgram';
import dns from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { abortError, raceSignal } from '../abort.js';
import type { AddressFamily } from '../codec/compact-peers.js';
import { checkAnnounceRequest, checkInfoHashes, MAX_UDP_SCRAPE_HASHES } from '../codec/request.js';
import { toHex } from '../codec/bytes.js';
import { parseUdpTrackerUrl } from '../codec/tracker-url.js';
import { encodeAnnounceRequest, encodeConnectRequest, encodeScrapeRequest } from '../codec/udp-requests.js';
import type { UdpResponse } from '../codec/udp-responses.js';
import { TrackerError, withUrl } from '../errors.js';
import { systemTimers, type Timers } from '../timers.js';
import type { AnnounceRequest, AnnounceResult, RequestOptions, ScrapeResult, TrackerTransport } from '../types.js';
import { ConnectionIds, DEFAULT_CONNECTION_ID_TTL_MS } from './connection-ids.js';
import { endpointKey, Transactions, type DropReason, type Endpoint, type ExpectedAction, type Transaction } from './transactions.js';

/** BEP 15: "If a response is not received after 15 * 2 ^ n seconds, the client should retransmit". */
export const DEFAULT_RETRANSMIT_BASE_MS = 15_000;
/** BEP 15: n goes up to 8 (3840 s), so a request is sent at most 9 times. */
export const DEFAULT_MAX_RETRANSMITS = 8;

export type HostLookup = (host: string) => Promise<{ address: string; family: AddressFamily }>;

export interface UdpTrackerClientOptions {
  /** Wait before the first retransmission; doubles after each. Default 15 s (BEP 15). */
  readonly retransmitBaseMs?: number;
  /** Retransmissions per request before TIMEOUT. Default 8 (BEP 15). */
  readonly maxRetransmits?: number;
  /** How long a connection id is reused. Default 60 s (BEP 15). */
  readonly connectionIdTtlMs?: number;
  readonly timers?: Timers;
  /** Resolves tracker host names. Default: the system resolver (`dns.lookup`). */
  readonly lookup?: HostLookup;
}

export interface DroppedPacket {
  readonly reason: DropReason;
  readonly from: string;
  readonly length: number;
}

export type UdpTrackerClientEvents = {
  /** A datagram that matched no request (wrong id, wrong sender, garbage). Informational only. */
  dropped: [packet: DroppedPacket];
};

const EMPTY_REPLY = 'the tracker sent an empty reply: it does not track this torrent';

export class UdpTrackerClient extends EventEmitter<UdpTrackerClientEvents> implements TrackerTransport {
  readonly #base: number;
  readonly #maxRetransmits: number;
  readonly #timers: Timers;
  readonly #lookup: HostLookup;
  readonly #ids: ConnectionIds;
  readonly #transactions = new Transactions();
  readonly #sockets = new Map<AddressFamily, Promise<dgram.Socket>>();
  #closed = false;

  constructor(options: UdpTrackerClientOptions = {}) {
    super();
    this.#base = options.retransmitBaseMs ?? DEFAULT_RETRANSMIT_BASE_MS;
    this.#maxRetransmits = options.maxRetransmits ?? DEFAULT_MAX_RETRANSMITS;
    this.#timers = options.timers ?? systemTimers;
    this.#lookup = options.lookup ?? defaultLookup;
    this.#ids = new ConnectionIds(options.connectionIdTtlMs ?? DEFAULT_CONNECTION_ID_TTL_MS, () => this.#timers.now());
  }

  /** Announces; error packets and empty replies come back as `{ ok: false }`, the rest throws TrackerError. */
  async announce(url: string, request: AnnounceRequest, options: RequestOptions = {}): Promise<AnnounceResult> {
    return await this.#guard(url, async () => {
      checkAnnounceRequest(request);
      const endpoint = await this.#resolve(url, options.signal);
      const reply = await this.#exchange(url, endpoint, 'announce', (id, tid) => encodeAnnounceRequest(id, tid, request), options.signal);
      switch (reply.action) {
        case 'announce':
          return { ok: true, interval: reply.interval, seeders: reply.seeders, leechers: reply.leechers, peers: reply.peers };
        case 'error':
          return { ok: false, reason: reply.message };
        case 'empty':
          return { ok: false, reason: EMPTY_REPLY };
        default:
          throw unexpected(reply);
      }
    });
  }

  /** Scrapes up to 74 torrents; records are matched to `infoHashes` by position (BEP 15). */
  async scrape(url: string, infoHashes: readonly Uint8Array[], options: RequestOptions = {}): Promise<ScrapeResult> {
    return await this.#guard(url, async () => {
      checkInfoHashes(infoHashes, MAX_UDP_SCRAPE_HASHES);
      const endpoint = await this.#resolve(url, options.signal);
      const reply = await this.#exchange(url, endpoint, 'scrape', (id, tid) => encodeScrapeRequest(id, tid, infoHashes), options.signal);
      switch (reply.action) {
        case 'scrape':
          // A tracker that sends fewer records than asked has told us nothing about the rest.
          return {
            ok: true,
            files: reply.records.slice(0, infoHashes.length).map((record, i) => {
              // A plain copy: on a caller's Buffer, slice() would be a view of its memory.
              const infoHash = new Uint8Array(infoHashes[i]!);
              return { infoHash, infoHashHex: toHex(infoHash), ...record };
            }),
          };
        case 'error':
          return { ok: false, reason: reply.message };
        case 'empty':
          return { ok: false, reason: EMPTY_REPLY };
        default:
          throw unexpected(reply);
      }
    });
  }

  /** Closes the sockets; pending and later requests fail with CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#transactions.failAll(() => new TrackerError('CLOSED', 'the UDP tracker client was closed'));
    const sockets = [...this.#sockets.values()];
    this.#sockets.clear();
    await Promise.all(
      sockets.map(async (pending) => {
        const socket = await pending.catch(() => undefined);
        if (socket !== undefined) await new Promise<void>((resolve) => closeQuietly(socket, resolve));
      }),
    );
  }

  async #guard<T>(url: string, body: () => Promise<T>): Promise<T> {
    try {
      if (this.#closed) throw new TrackerError('CLOSED', 'the UDP tracker client was closed');
      return await body();
    } catch (error) {
      throw error instanceof TrackerError ? withUrl(error, url) : error;
    }
  }

  async #resolve(url: string, signal: AbortSignal | undefined): Promise<Endpoint> {
    const { host, port } = parseUdpTrackerUrl(url);
    const literal = net.isIP(host);
    let address = host;
    let family: AddressFamily = literal === 6 ? 6 : 4;
    if (literal === 0) {
      try {
        ({ address, family } = await raceSignal(this.#lookup(host), signal, url));
      } catch (cause) {
        if (cause instanceof TrackerError) throw cause;
        throw new TrackerError('NETWORK', `cannot resolve ${host}`, { url, cause });
      }
    }
    return { address, port, family, key: endpointKey(address, port) };
  }

  /**
   * Connect (unless a fresh connection id is cached), then send the request, retransmitting after
   * base·2^n ms. n counts every timeout of the whole exchange, so it ends after at most
   * maxRetransmits + 1 silent waits. The connection id is looked up again before each send, since a
   * long run of retransmissions can outlive it.
   */
  async #exchange(
    url: string,
    endpoint: Endpoint,
    expect: Exclude<ExpectedAction, 'connect'>,
    build: (connectionId: bigint, transactionId: number) => Uint8Array,
    signal: AbortSignal | undefined,
  ): Promise<UdpResponse> {
    const connect = this.#transactions.open(endpoint, 'connect');
    const request = this.#transactions.open(endpoint, expect);
    const onAbort = (): TrackerError => (signal === undefined ? new TrackerError('ABORTED', 'aborted', { url }) : abortError(signal, url));
    try {
      for (let attempt = 0; ; ) {
        const connectionId = this.#ids.get(endpoint.key);
        const [transaction, packet]: [Transaction, Uint8Array] =
          connectionId === undefined ? [connect, encodeConnectRequest(connect.id)] : [request, build(connectionId, request.id)];
        await this.#send(endpoint, packet, url);
        const reply = await transaction.wait(this.#base * 2 ** attempt, this.#timers, signal, onAbort);
        if (reply === undefined) {
          attempt++;
          if (attempt > this.#maxRetransmits) {
            throw new TrackerError('TIMEOUT', `no UDP reply after ${attempt} attempts`, { url });
          }
          continue;
        }
        if (reply.action === 'connect') {
          this.#ids.set(endpoint.key, reply.connectionId);
          continue;
        }
        // The tracker may have rejected our connection id; connect afresh next time.
        if (reply.action === 'error') this.#ids.forget(endpoint.key);
        return reply;
      }
    } finally {
      this.#transactions.close(connect);
      this.#transactions.close(request);
    }
  }

  async #send(endpoint: Endpoint, packet: Uint8Array, url: string): Promise<void> {
    const socket = await this.#socket(endpoint.family);
    await new Promise<void>((resolve, reject) => {
      socket.send(packet, endpoint.port, endpoint.address, (error) => {
        if (error) reject(new TrackerError('NETWORK', `UDP send failed: ${error.message}`, { url, cause: error }));
        else resolve();
      });
    });
  }

  #socket(family: AddressFamily): Promise<dgram.Socket> {
    if (this.#closed) return Promise.reject(new TrackerError('CLOSED', 'the UDP tracker client was closed'));
    let pending = this.#sockets.get(family);
    if (pending === undefined) {
      pending = this.#openSocket(family);
      this.#sockets.set(family, pending);
      // A failed bind is forgotten so the next request tries again.
      pending.catch(() => this.#sockets.delete(family));
    }
    return pending;
  }

  async #openSocket(family: AddressFamily): Promise<dgram.Socket> {
    const socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    socket.on('message', (message, from) => {
      const packet = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      const reason = this.#transactions.dispatch(packet, from, family);
      if (reason !== undefined) this.emit('dropped', { reason, from: `${from.address}:${from.port}`, length: packet.length });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((cause: unknown) => {
      closeQuietly(socket);
      throw new TrackerError('NETWORK', `cannot open a udp${family} socket`, { cause });
    });
    socket.on('error', (cause) => {
      // The socket is unusable: fail whoever waits on it and open a new one on the next request.
      this.#sockets.delete(family);
      closeQuietly(socket);
      this.#transactions.failAll(() => new TrackerError('NETWORK', `UDP socket error: ${cause.message}`, { cause }), family);
    });
    // Waiting requests hold their retransmission timers; an idle client should not keep Node running.
    socket.unref();
    return socket;
  }
}

async function defaultLookup(host: string): Promise<{ address: string; family: AddressFamily }> {
  const { address, family } = await dns.lookup(host);
  return { address, family: family === 6 ? 6 : 4 };
}

function unexpected(reply: UdpResponse): TrackerError {
  return new TrackerError('MALFORMED_RESPONSE', `unexpected UDP ${reply.action} reply`);
}

/** Closes a socket that may already be closed (after an error); `done` runs either way. */
function closeQuietly(socket: dgram.Socket, done?: () => void): void {
  try {
    socket.close(done);
  } catch {
    done?.();
  }
}
