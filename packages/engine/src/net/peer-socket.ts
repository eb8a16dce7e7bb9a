// What a peer connection runs on: a TCP socket (net.Socket) or a uTP stream (@typetorrent/utp's
// UtpStream). Both are Duplex streams with a remote address, and the engine uses nothing else of
// them: pause/resume and 'data' (or the shared read buffer, TCP only), write/cork/uncork, 'drain',
// 'end', 'close', 'error' and destroy.
import type { Duplex } from 'node:stream';
import { UtpStream } from '@typetorrent/utp';

export interface PeerSocket extends Duplex {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/** The transport under a connection: said in PEX (the uTP flag) and in stats. */
export type PeerTransport = 'tcp' | 'utp';

export function transportOf(socket: PeerSocket): PeerTransport {
  return socket instanceof UtpStream ? 'utp' : 'tcp';
}

/**
 * uTP payload bytes per packet between two TypeTorrent peers on loopback, whose MTU is 64 KiB: the
 * largest @typetorrent/utp sends (65,000 + at most 54 header bytes fit one 65,507-byte UDP payload).
 * Per-packet work (a send system call, the header, the ack bookkeeping, a receive buffer) is much of
 * what a loopback transfer costs in Node: two sessions in one process spent 6.8 CPU s/GiB with 16 KiB
 * packets, 5.9 with these, 5.5 with these and @typetorrent/utp's one-copy send path. Other clients
 * keep 1400: libtorrent reads every datagram into a 1500-byte buffer and would get larger ones
 * truncated.
 */
export const LOOPBACK_UTP_PACKET_BYTES = 65_000;

/** Azureus-style client prefix of our peer ids ("-TT0100-…"). */
const OUR_CLIENT = [0x2d, 0x54, 0x54]; // "-TT"

/** Raises the uTP packet size once the handshake shows a TypeTorrent peer on a loopback address. */
export function tuneForPeer(socket: PeerSocket, peerId: Uint8Array): void {
  if (!(socket instanceof UtpStream)) return;
  const address = socket.remoteAddress;
  if (!(address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'))) return;
  if (!OUR_CLIENT.every((byte, i) => peerId[i] === byte)) return;
  socket.setPacketSize(LOOPBACK_UTP_PACKET_BYTES);
}
