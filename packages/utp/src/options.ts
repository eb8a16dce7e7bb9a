// Every limit of a connection in one place, with the defaults and why.

export interface ConnectionOptions {
  /** Payload bytes per packet. 1400 fits a 1500-byte MTU with IP, UDP, uTP and SACK headers. */
  packetSize?: number;
  /**
   * Payload bytes per packet to loopback addresses (127/8, ::1); default: `packetSize`. Their MTU is
   * 64 KiB and per-packet costs dominate, so 16 KiB moves 3-4x the bytes of 1400 between two of
   * these sockets (tools/bench/utp.mjs). But libtorrent reads datagrams into a 1500-byte buffer and
   * silently truncates larger ones, so only raise it where every peer is this package, or per
   * connection with `setPacketSize` once the peer is known.
   */
  loopbackPacketSize?: number;
  /**
   * Receive buffer in bytes: the largest wnd_size we advertise. It caps what a sender has in flight,
   * so it bounds the rate at window / RTT: a uTP-only libtorrent seeder on 127.0.0.1 sent 40 MB/s
   * into 1 MiB and 85-100 MB/s into 2-16 MiB (tools/bench/utp.mjs's downloader; RTTs of 5-25 ms).
   * Memory is only used while the application does not read.
   */
  receiveWindow?: number;
  /**
   * Most bytes written and not yet acknowledged before `write` asks the caller to wait. Below it,
   * `write` asks to wait once a window's worth (cwnd or the peer's window, whichever is smaller) is
   * queued unsent beyond what is in flight: a full window in flight plus one ready to follow, as
   * TCP's send buffer grows with the congestion window (see `Connection.admitMore`).
   */
  sendBuffer?: number;
  /** Congestion window bounds in bytes. */
  maxWindow?: number;
  /** LEDBAT target queueing delay (BEP 29: 100 ms). */
  targetDelayMs?: number;
  /** LEDBAT window growth per RTT at zero delay, in bytes (BEP 29: 3000). */
  gainBytes?: number;
  /** Exponential window growth at the start, until delay or loss. */
  slowStart?: boolean;
  /** Send an ack after this long without sending anything (keeps NAT mappings; libtorrent: ~30 s). */
  keepAliveMs?: number;
  /**
   * Give up after this many timeouts in a row without progress (about 15 s at the 500 ms minimum
   * timeout, doubling), as libutp does after 4; libtorrent after a packet's third transmission. A
   * peer with a gap before data we hold is judged gone after as long without a packet.
   */
  maxRetransmits?: number;
  /** SYN retransmissions before ETIMEDOUT (1, 2, 4 s apart). */
  maxSynRetransmits?: number;
  /** Close with ETIMEDOUT when nothing arrives for this long; 0 turns it off. */
  idleTimeoutMs?: number;
  /** Packets we buffer ahead of a gap. */
  maxReorder?: number;
}

export type ResolvedConnectionOptions = Required<Omit<ConnectionOptions, 'loopbackPacketSize'>> & { loopbackPacketSize: number | undefined };

export const DEFAULT_CONNECTION_OPTIONS: ResolvedConnectionOptions = {
  packetSize: 1400,
  loopbackPacketSize: undefined,
  receiveWindow: 4 * 1024 * 1024,
  sendBuffer: 8 * 1024 * 1024,
  maxWindow: 4 * 1024 * 1024,
  targetDelayMs: 100,
  gainBytes: 3000,
  slowStart: true,
  keepAliveMs: 29_000,
  maxRetransmits: 4,
  maxSynRetransmits: 3,
  idleTimeoutMs: 0,
  maxReorder: 4096,
};

/** Smallest and largest payload accepted for `packetSize` (a UDP datagram tops out at 65507). */
export const MIN_PACKET_SIZE = 64;
export const MAX_PACKET_SIZE = 65_000;

export function resolveOptions(options: ConnectionOptions = {}): ResolvedConnectionOptions {
  const resolved = { ...DEFAULT_CONNECTION_OPTIONS };
  for (const [key, value] of Object.entries(options) as [keyof ConnectionOptions, unknown][]) {
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  return resolved;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
