// The little of WebTorrent's bittorrent-protocol 5 (a root devDependency, untyped) that the oracle
// test uses: a Duplex whose writable side takes the peer's bytes and whose readable side yields ours.
declare module 'bittorrent-protocol' {
  import { Duplex } from 'node:stream';

  export default class Wire extends Duplex {
    /** type 'tcpIncoming' or 'tcpOutgoing'; peEnabled 1 = MSE preferring plaintext, 2 = RC4 only. */
    constructor(type: string, peEnabled: number);
    startEncryption(infoHashHex: string): void;
    setInfoHash(infoHashHex: string): void;
    handshake(infoHash: Uint8Array | string, peerId: Uint8Array | string, extensions?: Record<string, boolean>): void;
    on(event: 'crypto-infohash', listener: (obfuscatedHex: string) => void): this;
    on(event: 'crypto-handshake', listener: () => void): this;
    on(event: 'handshake', listener: (infoHashHex: string, peerIdHex: string) => void): this;
    on(event: 'data', listener: (chunk: Uint8Array) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
