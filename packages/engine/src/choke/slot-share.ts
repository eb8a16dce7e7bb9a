// How a session's upload slots are shared among its torrents: max-min fair by demand. Each torrent
// wants as many slots as it has interested peers, up to its own cap; when the session has enough,
// each gets what it wants; when not, the slots are dealt one at a time around the torrents that
// still want more, starting where the previous round's deal stopped, so that with fewer slots than
// torrents every torrent with demand gets a turn over successive rounds. A torrent with no
// interested peer gets none. Pure; the caller keeps `next` for the next round.

export interface SlotShare {
  /** Slots per torrent, in the order of `demands`. */
  readonly shares: number[];
  /** Where the next round's deal starts (the torrent after the last one dealt a slot). */
  readonly next: number;
}

/**
 * `demands[i]`: interested peers of torrent i; `limit`: the session's slots (Infinity: no limit);
 * `perTorrent`: most one torrent may hold; `start`: where this round's deal starts. O(n + limit).
 */
export function shareSlots(demands: readonly number[], limit: number, perTorrent: number, start: number): SlotShare {
  const wants = demands.map((demand) => Math.max(0, Math.min(Math.floor(demand), perTorrent)));
  const wanted = wants.reduce((sum, want) => sum + want, 0);
  const count = wants.length;
  const first = count === 0 ? 0 : ((start % count) + count) % count;
  if (wanted <= limit) return { shares: wants, next: first };
  const shares = wants.map(() => 0);
  let left = limit;
  let next = first;
  // Each pass deals at most one slot to every torrent still short; wanted > limit, so this ends
  // with `left` at 0 after at most `perTorrent` passes.
  while (left > 0) {
    for (let k = 0; k < count && left > 0; k++) {
      const i = (first + k) % count;
      if ((shares[i] ?? 0) >= (wants[i] ?? 0)) continue;
      shares[i] = (shares[i] ?? 0) + 1;
      left--;
      next = (i + 1) % count;
    }
  }
  return { shares, next };
}
