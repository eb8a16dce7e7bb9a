// One entry point for any tracker URL: picks the HTTP or UDP client by scheme.
import { trackerProtocol } from './codec/tracker-url.js';
import { TrackerError } from './errors.js';
import { HttpTrackerClient } from './http/http-client.js';
import type { AnnounceRequest, AnnounceResult, RequestOptions, ScrapeResult, TrackerTransport } from './types.js';
import { UdpTrackerClient } from './udp/udp-client.js';

export interface TrackerClientOptions {
  /** Handles http:// and https:// URLs. Default: a new HttpTrackerClient. */
  readonly http?: TrackerTransport;
  /** Handles udp:// URLs. Default: a new UdpTrackerClient, closed by `close()`. */
  readonly udp?: TrackerTransport;
}

export class TrackerClient implements TrackerTransport {
  readonly #http: TrackerTransport;
  readonly #udp: TrackerTransport;
  /** Only a UDP client this object created is closed by it; a shared one belongs to its owner. */
  readonly #ownedUdp: UdpTrackerClient | undefined;

  constructor(options: TrackerClientOptions = {}) {
    this.#http = options.http ?? new HttpTrackerClient();
    if (options.udp === undefined) {
      this.#ownedUdp = new UdpTrackerClient();
      this.#udp = this.#ownedUdp;
    } else {
      this.#udp = options.udp;
    }
  }

  async announce(url: string, request: AnnounceRequest, options?: RequestOptions): Promise<AnnounceResult> {
    return await this.#pick(url).announce(url, request, options);
  }

  async scrape(url: string, infoHashes: readonly Uint8Array[], options?: RequestOptions): Promise<ScrapeResult> {
    return await this.#pick(url).scrape(url, infoHashes, options);
  }

  async close(): Promise<void> {
    await this.#ownedUdp?.close();
  }

  #pick(url: string): TrackerTransport {
    const protocol = trackerProtocol(url);
    switch (protocol) {
      case 'http':
        return this.#http;
      case 'udp':
        return this.#udp;
      default: {
        const never: never = protocol;
        throw new TrackerError('UNSUPPORTED_PROTOCOL', `unsupported protocol ${String(never)}`, { url });
      }
    }
  }
}
