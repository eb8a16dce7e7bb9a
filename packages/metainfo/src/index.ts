// @typetorrent/metainfo: .torrent and magnet parsing and creation, info-hash over the raw bytes,
// piece geometry, path safety. Pure: no files, sockets or timers (see ./node for the fs helpers).
export { MetainfoError } from './errors.js';
export type { MetainfoErrorCode, MetainfoWarning } from './errors.js';
export { BLOCK_SIZE, PieceGeometry } from './geometry.js';
export type { FileSlice } from './geometry.js';
export type { TorrentFile } from './files.js';
export { PIECE_HASH_LENGTH } from './metainfo.js';
export type { Metainfo } from './metainfo.js';
export { DEFAULT_MAX_FILES, DEFAULT_MAX_PIECE_LENGTH, DEFAULT_MAX_TRACKERS, DEFAULT_MAX_WEB_SEEDS } from './info-dict.js';
export { parseInfoDict, parseTorrent } from './parse.js';
export type { InfoDictExtra, ParseOptions } from './parse.js';
export { formatMagnet, metainfoToMagnet, parseMagnet } from './magnet.js';
export type { MagnetInput, MagnetLink } from './magnet.js';
export { infoHashFromHex, toHex } from './hex.js';
export { checkComponent } from './path-safety.js';
export type { ComponentCheck } from './path-safety.js';
export { createTorrent } from './create.js';
export type { CreatedTorrent, CreateFileSource, CreateTorrentOptions, TorrentSource } from './create.js';
export { autoPieceLength, isStandardPieceLength, MAX_AUTO_PIECE_LENGTH, MIN_AUTO_PIECE_LENGTH } from './piece-size.js';
export { addressFamily, compactPeerCount, compactPeerLength, decodeCompactPeerAt, decodeCompactPeers, encodeCompactPeers } from './compact-peers.js';
export type { PeerAddress } from './compact-peers.js';
export { canonicalHost, formatIpAddress, parseIPv4, parseIPv6, parseIpAddress, unmapIPv4 } from './ip-address.js';
export type { AddressFamily } from './ip-address.js';
export { fillSeeded, randomIndex, seededRandom, seededUint32, shuffleInPlace } from './seeded-random.js';
export type { RandomSource } from './seeded-random.js';
