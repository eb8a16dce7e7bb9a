// Where `download` and `seed` look for peers of a torrent, as `info` tells it: a public torrent's
// peers come from its trackers, the DHT (BEP 5), peer exchange (BEP 11) and local service discovery
// (BEP 14), each on by default; a private one's (BEP 27) from its trackers only. A magnet link is
// taken as public: whether it is private is known only once its metadata is.

export type PeerSource = 'trackers' | 'dht' | 'pex' | 'lsd';

export function peerSources(isPrivate: boolean, trackerCount: number): PeerSource[] {
  const trackers: PeerSource[] = trackerCount > 0 ? ['trackers'] : [];
  return isPrivate ? trackers : [...trackers, 'dht', 'pex', 'lsd'];
}

const NAMES: Record<PeerSource, string> = {
  trackers: 'trackers',
  dht: 'the DHT (off: --no-dht)',
  pex: 'peer exchange',
  lsd: 'local discovery (LSD, off: --no-lsd)',
};

/** The value of the `peers from:` line. */
export function peerSourcesText(isPrivate: boolean, trackerCount: number): string {
  const sources = peerSources(isPrivate, trackerCount);
  if (sources.length === 0) return 'only peers given with --peer (private, and no tracker)';
  const names = sources.map((s) => NAMES[s]);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return isPrivate ? `${list} only (private)` : list;
}
