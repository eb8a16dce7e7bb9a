// The `info --json` shape. It is a documented interface for scripts (apps/cli/README.md): fields are
// only ever added, and `schema` changes if one is removed or changes meaning. Absent optional values
// are null, never missing.
import { formatMagnet, metainfoToMagnet, toHex } from '@typetorrent/metainfo';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import { peerSources, type PeerSource } from './peer-sources.js';

export const INFO_JSON_SCHEMA = 1;

export interface TorrentInfoJson {
  readonly schema: typeof INFO_JSON_SCHEMA;
  readonly type: 'torrent';
  readonly name: string;
  readonly infoHash: string;
  readonly infoHashV2: string | null;
  readonly version: 'v1' | 'hybrid';
  readonly totalLength: number;
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly private: boolean;
  /** Where download and seed look for peers by default: trackers, dht, pex, lsd (trackers only when private). */
  readonly peerSources: PeerSource[];
  readonly multiFile: boolean;
  /** In torrent order; `index` is the number `download --files` takes. */
  readonly files: { index: number; path: string[]; length: number; offset: number; padding: boolean }[];
  readonly trackers: string[][];
  readonly webSeeds: string[];
  readonly comment: string | null;
  readonly createdBy: string | null;
  readonly creationDate: string | null;
  readonly magnet: string;
  readonly warnings: { code: string; field: string; message: string }[];
}

export interface MagnetInfoJson {
  readonly schema: typeof INFO_JSON_SCHEMA;
  readonly type: 'magnet';
  readonly name: string | null;
  readonly infoHash: string;
  readonly multihashes: string[];
  readonly trackers: string[];
  readonly webSeeds: string[];
  readonly peers: string[];
  /** As for a torrent; a magnet link is taken as public. */
  readonly peerSources: PeerSource[];
  readonly exactLength: number | null;
  readonly magnet: string;
}

export function torrentInfoJson(meta: Metainfo): TorrentInfoJson {
  return {
    schema: INFO_JSON_SCHEMA,
    type: 'torrent',
    name: meta.name,
    infoHash: meta.infoHashHex,
    infoHashV2: meta.infoHashV2 === undefined ? null : toHex(meta.infoHashV2),
    version: meta.version,
    totalLength: meta.totalLength,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    private: meta.private,
    peerSources: peerSources(meta.private, meta.announce.flat().length),
    multiFile: meta.isMultiFile,
    files: meta.files.map((f, index) => ({ index, path: [...f.path], length: f.length, offset: f.offset, padding: f.padding })),
    trackers: meta.announce.map((tier) => [...tier]),
    webSeeds: [...meta.urlList],
    comment: meta.comment ?? null,
    createdBy: meta.createdBy ?? null,
    creationDate: meta.creationDate?.toISOString() ?? null,
    magnet: formatMagnet(metainfoToMagnet(meta)),
    warnings: meta.warnings.map(({ code, field, message }) => ({ code, field, message })),
  };
}

export function magnetInfoJson(magnet: MagnetLink): MagnetInfoJson {
  return {
    schema: INFO_JSON_SCHEMA,
    type: 'magnet',
    name: magnet.name ?? null,
    infoHash: magnet.infoHashHex,
    multihashes: [...magnet.multihashes],
    trackers: [...magnet.trackers],
    webSeeds: [...magnet.webSeeds],
    peers: [...magnet.peers],
    peerSources: peerSources(false, magnet.trackers.length),
    exactLength: magnet.exactLength ?? null,
    magnet: formatMagnet(magnet),
  };
}
