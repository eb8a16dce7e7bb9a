// A torrent's connections as one unit: the PeerHost and the extension plug-ins it offers
// (ut_metadata serving or fetching the info dict, ut_pex), with our handshake's own fields.
import type { EngineError } from '../errors.js';
import { ExtensionSet, type HandshakeFields } from '../extensions/extension.js';
import { UT_METADATA, UT_PEX } from '@typetorrent/peer-wire';
import { UtMetadata } from '../extensions/ut-metadata.js';
import { UtPex } from '../extensions/ut-pex.js';
import { PeerHost } from './peer-host.js';
import type { SessionServices } from './services.js';
import type { Endpoint, PeerEvent } from './types.js';
import { MAX_INCOMING_REQUESTS } from './uploader.js';

export const CLIENT_NAME = 'TypeTorrent 0.1.0';

export interface ConnectionsOptions {
  readonly infoHash: Uint8Array;
  readonly services: SessionServices;
  readonly maxPeers: number;
  /** The info dict when known (a .torrent); undefined: a magnet link fetches it. */
  readonly info: Uint8Array | undefined;
  isPrivate(): boolean;
  warn(warning: EngineError): void;
  peer(event: PeerEvent): void;
  /** A fetched info dict hashed to the info-hash. */
  metadata(bytes: Uint8Array): void;
}

export interface Connections {
  readonly host: PeerHost;
  readonly utMetadata: UtMetadata;
  readonly utPex: UtPex;
}

export function createConnections(options: ConnectionsOptions): Connections {
  const { services } = options;
  const extensions = new ExtensionSet();
  const handshakeBase = (): HandshakeFields => {
    const port = services.listenPort();
    return { v: CLIENT_NAME, reqq: MAX_INCOMING_REQUESTS, ...(port > 0 ? { p: port } : {}) };
  };
  const host: PeerHost = new PeerHost({
    infoHash: options.infoHash,
    services,
    maxPeers: options.maxPeers,
    extensions,
    hooks: { peer: options.peer, warn: options.warn, handshakeBase },
  });
  const utMetadata: UtMetadata = new UtMetadata(
    {
      infoHash: options.infoHash,
      clock: services.clock,
      send: (peer, payload): boolean => extensions.send(peer, UT_METADATA, payload),
      warn: options.warn,
      ban: (peer, reason) => host.drop(peer, reason),
      verified: options.metadata,
    },
    options.info,
  );
  extensions.add(utMetadata);
  const utPex = new UtPex({
    // With PEX off (SessionOptions.pex false) ut_pex is treated as for a private torrent: not offered, not read, not sent.
    isPrivate: () => services.pex === false || options.isPrivate(),
    learnt: (peers: readonly Endpoint[]) => host.swarm.add(peers, 'pex'),
    peers: () => host.peers(),
    send: (peer, payload) => extensions.send(peer, UT_PEX, payload),
  });
  extensions.add(utPex);
  return { host, utMetadata, utPex };
}
