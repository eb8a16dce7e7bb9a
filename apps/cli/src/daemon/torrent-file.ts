// A .torrent for a torrent added by magnet, once its info dict came from peers (BEP 9): the raw
// info bytes (so the info-hash stays that of the original bytes) and the magnet's trackers as one
// tier each (BEP 12). Kept in the state folder, so a restart needs no metadata fetch.
import type { Metainfo } from '@typetorrent/metainfo';

export function torrentFromMetadata(metainfo: Pick<Metainfo, 'infoBytes'>, trackers: readonly string[]): Uint8Array {
  const parts: Uint8Array[] = [ascii('d')];
  // Keys in sorted order: "announce" < "announce-list" < "info".
  if (trackers.length > 0) {
    parts.push(byteString('announce'), byteString(trackers[0]!));
    parts.push(byteString('announce-list'), ascii('l'));
    for (const url of trackers) parts.push(ascii('l'), byteString(url), ascii('e'));
    parts.push(ascii('e'));
  }
  parts.push(byteString('info'), metainfo.infoBytes, ascii('e'));
  return new Uint8Array(Buffer.concat(parts));
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function byteString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return Buffer.concat([ascii(`${bytes.length}:`), bytes]);
}
