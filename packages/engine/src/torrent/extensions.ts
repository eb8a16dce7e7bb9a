// BEP 10 extension messages: our extended handshake, and theirs (listen port, client name, `reqq`).
// BEP 9 ut_metadata requests are answered from the info dict we hold, so clients started from a
// magnet link can fetch it from us.
import {
  decodeExtendedHandshake,
  decodeUtMetadata,
  encodeExtendedHandshake,
  encodeUtMetadata,
  metadataPieceCount,
  metadataPieceLength,
  METADATA_PIECE_LENGTH,
  UT_METADATA,
  UT_PEX,
  WireError,
  decodeUtPex,
} from '@typetorrent/peer-wire';
import { EngineError } from '../errors.js';
import { MAX_INCOMING_REQUESTS, type Peer } from './peer.js';
import type { Runtime } from './runtime.js';

/** The ids we want extension messages sent to us with (BEP 10 `m`). */
const LOCAL_UT_METADATA = 1;
const LOCAL_UT_PEX = 2;

/** Our BEP 10 `m`: ut_pex only for public torrents (BEP 27: a private torrent's peers come from its tracker). */
function localExtensions(isPrivate: boolean): Record<string, number> {
  return isPrivate ? { [UT_METADATA]: LOCAL_UT_METADATA } : { [UT_METADATA]: LOCAL_UT_METADATA, [UT_PEX]: LOCAL_UT_PEX };
}

export const CLIENT_NAME = 'TypeTorrent 0.1.0';

/** Our extended handshake payload. */
export function ourExtendedHandshake(rt: Runtime): Uint8Array {
  const port = rt.services.listenPort();
  return encodeExtendedHandshake({
    m: localExtensions(rt.metainfo.private),
    v: CLIENT_NAME,
    reqq: MAX_INCOMING_REQUESTS,
    metadataSize: rt.metainfo.infoBytes.length,
    ...(port > 0 ? { p: port } : {}),
  });
}

export function onExtended(rt: Runtime, peer: Peer, id: number, payload: Uint8Array): void {
  if (id === 0) {
    const handshake = decodeExtendedHandshake(payload);
    peer.client = handshake.v;
    if (handshake.p !== undefined) peer.listenPort = handshake.p;
    if (handshake.reqq !== undefined) peer.requests.setPeerLimit(handshake.reqq);
    const metadataId = handshake.m.get(UT_METADATA);
    peer.utMetadataId = metadataId === undefined || metadataId === 0 ? undefined : metadataId;
    rt.swarm.learnListenPort(peer.key, peer.conn.remoteAddress, peer.listenPort);
    return;
  }
  if (id === LOCAL_UT_METADATA) onUtMetadata(rt, peer, payload);
  else if (id === LOCAL_UT_PEX && !rt.metainfo.private) onUtPex(rt, payload);
  // Ids we never announced are ignored (BEP 10).
}

/**
 * BEP 11: peers the sender is connected to become candidates (we receive PEX, we do not send it).
 * The decoder caps the list; a malformed message is fatal, as BEP 11 allows.
 */
function onUtPex(rt: Runtime, payload: Uint8Array): void {
  const message = decodeUtPex(payload);
  rt.swarm.add(message.added, 'pex');
}

function onUtMetadata(rt: Runtime, peer: Peer, payload: Uint8Array): void {
  const size = rt.metainfo.infoBytes.length;
  let message;
  try {
    message = decodeUtMetadata(payload, { metadataSize: size });
  } catch (error) {
    if (error instanceof WireError && !error.fatal) return;
    throw error;
  }
  if (message.msgType !== 'request' || peer.utMetadataId === undefined) return;
  peer.metadataRequests++;
  if (peer.metadataRequests > MAX_INCOMING_REQUESTS) throw new EngineError('PROTOCOL', 'too many metadata requests', { peer: peer.key });
  const piece = message.piece;
  const reply =
    piece < metadataPieceCount(size)
      ? encodeUtMetadata({
          msgType: 'data',
          piece,
          totalSize: size,
          data: rt.metainfo.infoBytes.subarray(piece * METADATA_PIECE_LENGTH, piece * METADATA_PIECE_LENGTH + metadataPieceLength(size, piece)),
        })
      : encodeUtMetadata({ msgType: 'reject', piece });
  peer.conn.send({ type: 'extended', id: peer.utMetadataId, payload: reply });
}
