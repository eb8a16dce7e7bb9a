// The peers a magnet link names itself (`x.pe`: "host:port" or "[v6]:port").
import type { MagnetLink } from '@typetorrent/metainfo';
import type { Endpoint } from '../torrent/types.js';

export function magnetPeers(magnet: MagnetLink): Endpoint[] {
  const out: Endpoint[] = [];
  for (const text of magnet.peers) {
    const match = /^\[?([^\]]+)\]?:(\d+)$/.exec(text);
    if (match?.[1] !== undefined && match[2] !== undefined) out.push({ host: match[1], port: Number(match[2]) });
  }
  return out;
}
