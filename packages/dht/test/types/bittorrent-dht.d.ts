// The parts of the npm `bittorrent-dht` (WebTorrent's DHT, a test peer only) that the interop test uses.
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';
  interface Peer {
    host: string;
    port: number;
  }
  export default class DHT extends EventEmitter {
    constructor(options?: { bootstrap?: false | string[]; host?: string | false; nodeId?: Uint8Array });
    nodeId: Uint8Array;
    listen(port: number, host: string, callback?: () => void): void;
    address(): { address: string; port: number };
    addNode(node: { host: string; port: number }): void;
    announce(infoHash: Uint8Array, port: number, callback?: (err?: Error) => void): void;
    lookup(infoHash: Uint8Array, callback?: (err: Error | null, nodes?: number) => void): () => void;
    destroy(callback?: () => void): void;
    toJSON(): { nodes: Peer[] };
    on(event: 'peer', listener: (peer: Peer, infoHash: Uint8Array, from: Peer | null) => void): this;
    on(event: 'ready' | 'listening', listener: () => void): this;
    on(event: 'announce', listener: (peer: Peer, infoHash: Uint8Array) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
