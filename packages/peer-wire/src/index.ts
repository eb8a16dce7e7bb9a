// @typetorrent/peer-wire: the BitTorrent peer wire protocol as a pure codec (no I/O).
export { WireError, type WireErrorCode, type WireErrorOptions } from './errors.js';
export * from './messages.js';
export { BLOCK_LENGTH, METADATA_PIECE_LENGTH, DEFAULT_LIMITS, DEFAULT_MAX_METADATA_SIZE, DEFAULT_MAX_PEX_PEERS, type DecoderLimits } from './limits.js';
export { encodeReserved, decodeReserved, negotiate, type ReservedFlags } from './reserved.js';
export {
  PROTOCOL_NAME,
  PROTOCOL_HEADER,
  HANDSHAKE_LENGTH,
  encodeHandshake,
  encodeHandshakeInto,
  decodeHandshake,
  type HandshakeFields,
} from './handshake.js';
export { PEER_ID_PREFIX, PEER_ID_LENGTH, createPeerId, parseAzureusPeerId, type AzureusPeerId, type RandomFill } from './peer-id.js';
export { Bitfield } from './bitfield.js';
export {
  PIECE_HEADER_LENGTH,
  REQUEST_MESSAGE_LENGTH,
  HAVE_MESSAGE_LENGTH,
  encodeMessage,
  encodeMessageInto,
  encodedLength,
  encodeRequestInto,
  encodeCancelInto,
  encodeRejectRequestInto,
  encodeHaveInto,
  encodePieceHeaderInto,
} from './encode.js';
export { WireDecoder, type WireDecoderOptions } from './decoder.js';
export { allowedFastSet } from './allowed-fast.js';
export { formatIp, parseIp } from './ip.js';
export { ExtensionRegistry } from './extension/registry.js';
export {
  decodeExtendedHandshake,
  encodeExtendedHandshake,
  type ExtendedHandshake,
  type ExtendedHandshakeInput,
  type ExtendedHandshakeOptions,
} from './extension/handshake.js';
export {
  UT_METADATA,
  decodeUtMetadata,
  encodeUtMetadata,
  metadataPieceCount,
  metadataPieceLength,
  type UtMetadataMessage,
  type UtMetadataOptions,
} from './extension/ut-metadata.js';
export { UT_PEX, PexFlag, decodeUtPex, encodeUtPex, type PexPeer, type UtPexMessage, type UtPexOptions } from './extension/ut-pex.js';
