// The session's DHT node (BEP 5, @typetorrent/dht): one per session, on the session's UDP socket
// (session-udp.ts: the port number of the TCP listener, shared with uTP), started once it is bound, bootstrapped in the background, its routing table
// kept in a file so a restart needs no bootstrap routers. Torrents see it as a DhtService.
import { DhtNode, type Address } from '@typetorrent/dht';
import { EngineError, describeError } from '../errors.js';
import type { DhtService } from '../torrent/dht-service.js';
import type { Endpoint } from '../torrent/types.js';
import type { SharedUdp } from './session-udp.js';

export interface SessionDhtOptions {
  /** Where to join: 'host:port' entries or endpoints; default the public routers (router.bittorrent.com, ...). */
  readonly bootstrap?: readonly (string | Endpoint)[];
  /** The routing table, read at start and written at close (temp file + rename). */
  readonly stateFile?: string;
}

export class SessionDht implements DhtService {
  readonly #options: SessionDhtOptions;
  readonly #warn: (warning: EngineError) => void;
  readonly #closing = new AbortController();
  #node: DhtNode | undefined;
  #udp: SharedUdp | undefined;
  #starting: Promise<void> | undefined;
  /** Settles once the first bootstrap ended (joined or not): lookups wait for it. */
  #joined: Promise<void> | undefined;

  constructor(options: SessionDhtOptions, warn: (warning: EngineError) => void) {
    this.#options = options;
    this.#warn = warn;
  }

  /** The UDP port our node answers on (told to peers in PORT messages); 0 while it is not running. */
  get port(): number {
    return this.#node === undefined ? 0 : (this.#udp?.port ?? 0);
  }

  get nodeCount(): number {
    return this.#node?.nodeCount ?? 0;
  }

  /** Runs on the session's UDP socket and bootstraps in the background; a failure is a warning, not fatal. */
  async start(udp: SharedUdp): Promise<void> {
    this.#starting ??= this.#start(udp);
    await this.#starting;
  }

  async *lookup(infoHash: Uint8Array, options: { readonly signal: AbortSignal }): AsyncIterable<Endpoint> {
    await this.#starting;
    await this.#joined;
    const node = this.#node;
    if (node === undefined || options.signal.aborted) return;
    for await (const peer of node.lookup(infoHash, { signal: options.signal })) yield { host: peer.host, port: peer.port };
  }

  async announce(infoHash: Uint8Array, port: number, options: { readonly signal: AbortSignal }): Promise<number> {
    await this.#starting;
    return (await this.#node?.announce(infoHash, port, { signal: options.signal }))?.announcedTo ?? 0;
  }

  addNode(host: string, port: number): void {
    this.#node?.addNode(host, port);
  }

  async close(): Promise<void> {
    this.#closing.abort(new EngineError('CLOSED', 'session closing'));
    await this.#starting?.catch(() => undefined);
    await this.#node?.close().catch((error: unknown) => this.#warn(new EngineError('DHT', `saving the DHT routing table failed: ${describeError(error)}`, { cause: error })));
  }

  async #start(udp: SharedUdp): Promise<void> {
    const { bootstrap, stateFile } = this.#options;
    try {
      const node = await DhtNode.create({
        socket: { send: (bytes, port, host) => udp.send(bytes, port, host), families: udp.families },
        ...(bootstrap === undefined ? {} : { bootstrap: bootstrap as readonly (string | Address)[] }),
        ...(stateFile === undefined ? {} : { stateFile }),
      });
      node.on('warning', (warning) => {
        if (warning.code === 'STATE_FILE') this.#warn(new EngineError('DHT', `DHT state: ${warning.message}`, { cause: warning }));
      });
      udp.onKrpc((bytes, from) => node.handleDatagram(bytes, from));
      this.#udp = udp;
      this.#node = node;
    } catch (error) {
      this.#warn(new EngineError('DHT', `the DHT could not start: ${describeError(error)}`, { cause: error }));
      return;
    }
    // Joining can take a while (or fail on a closed network): lookups meanwhile use whatever answered.
    this.#joined = this.#node.bootstrap({ signal: this.#closing.signal }).then(
      () => undefined,
      (error: unknown) => {
        if (!this.#closing.signal.aborted) this.#warn(new EngineError('DHT', `DHT bootstrap failed: ${describeError(error)}`, { cause: error }));
      },
    );
  }
}
