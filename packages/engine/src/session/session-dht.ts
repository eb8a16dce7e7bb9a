// The session's DHT node (BEP 5, @typetorrent/dht): one per session, on the session's port number
// over UDP, started once the TCP port is known, bootstrapped in the background, its routing table
// kept in a file so a restart needs no bootstrap routers. Torrents see it as a DhtService.
import { DhtNode, type Address } from '@typetorrent/dht';
import { EngineError, describeError } from '../errors.js';
import type { DhtService } from '../torrent/dht-service.js';
import type { Endpoint } from '../torrent/types.js';

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
  #starting: Promise<void> | undefined;
  /** Settles once the first bootstrap ended (joined or not): lookups wait for it. */
  #joined: Promise<void> | undefined;

  constructor(options: SessionDhtOptions, warn: (warning: EngineError) => void) {
    this.#options = options;
    this.#warn = warn;
  }

  get port(): number {
    return this.#node?.port ?? 0;
  }

  get nodeCount(): number {
    return this.#node?.nodeCount ?? 0;
  }

  /** Binds UDP `port` on `host` and bootstraps in the background; a failure is a warning, not fatal. */
  async start(port: number, host: string): Promise<void> {
    this.#starting ??= this.#start(port, host);
    await this.#starting;
  }

  async *lookup(infoHash: Uint8Array, options: { readonly signal: AbortSignal }): AsyncIterable<Endpoint> {
    await this.#starting;
    await this.#joined;
    const node = this.#node;
    if (node === undefined || options.signal.aborted) return;
    for await (const peer of node.lookup(infoHash, { signal: options.signal })) yield { host: peer.host, port: peer.port };
  }

  async announce(infoHash: Uint8Array, port: number, options: { readonly signal: AbortSignal }): Promise<void> {
    await this.#starting;
    await this.#node?.announce(infoHash, port, { signal: options.signal });
  }

  addNode(host: string, port: number): void {
    this.#node?.addNode(host, port);
  }

  async close(): Promise<void> {
    this.#closing.abort(new EngineError('CLOSED', 'session closing'));
    await this.#starting?.catch(() => undefined);
    await this.#node?.close().catch((error: unknown) => this.#warn(new EngineError('DHT', `saving the DHT routing table failed: ${describeError(error)}`, { cause: error })));
  }

  async #start(port: number, host: string): Promise<void> {
    const { bootstrap, stateFile } = this.#options;
    try {
      const node = await DhtNode.create({
        port,
        host,
        ipv6: false,
        ...(bootstrap === undefined ? {} : { bootstrap: bootstrap as readonly (string | Address)[] }),
        ...(stateFile === undefined ? {} : { stateFile }),
      });
      node.on('warning', (warning) => {
        if (warning.code === 'STATE_FILE') this.#warn(new EngineError('DHT', `DHT state: ${warning.message}`, { cause: warning }));
      });
      this.#node = node;
    } catch (error) {
      this.#warn(new EngineError('DHT', `the DHT could not start on UDP port ${port}: ${describeError(error)}`, { cause: error }));
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
