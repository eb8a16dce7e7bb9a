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
