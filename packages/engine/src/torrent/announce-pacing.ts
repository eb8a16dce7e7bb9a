// What a torrent's trackers see of the session's announce pace (session/announce-pacer.ts): a turn
// before each announce round, and a jitter on re-announce waits, so 1,000 torrents started together
// neither announce in the same instant nor stay in lock-step afterwards.

export interface AnnouncePacing {
  /** Resolves when this announce round may go out (first come, first served); rejects when `signal` fires first. */
  turn(signal: AbortSignal): Promise<void>;
  /** Share of each re-announce wait taken off at random (0.1: up to 10% sooner, never under the tracker's min interval). */
  readonly jitter: number;
  /** Float in [0, 1) for the jitter. */
  readonly random: () => number;
}
