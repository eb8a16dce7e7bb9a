import { describe, expect, it } from '@jest/globals';
import { createTorrent, parseTorrent } from '@typetorrent/metainfo';
import { torrentFromMetadata } from './torrent-file.js';

describe('a .torrent from fetched metadata', () => {
  it('keeps the info-hash and carries the magnet trackers as tiers', async () => {
    const data = new Uint8Array(40_000).fill(7);
    const { metainfo } = await createTorrent({ kind: 'file', name: 'x.bin', length: data.length, read: async function* () { yield data; } }, { pieceLength: 16384 });
    const rebuilt = parseTorrent(torrentFromMetadata(metainfo, ['http://127.0.0.1:1/announce', 'udp://127.0.0.1:2']));
    expect(rebuilt.infoHashHex).toBe(metainfo.infoHashHex);
    expect(rebuilt.announce).toEqual([['http://127.0.0.1:1/announce'], ['udp://127.0.0.1:2']]);
    expect(parseTorrent(torrentFromMetadata(metainfo, [])).announce).toEqual([]);
  });
});
