// Every size cap of the codec, in bytes unless named otherwise. Each is a default that
// `WireDecoderOptions` (or a payload decoder's options) can override.

/** BEP 3: "All current implementations use 2^14 (16 kiB)" blocks; libtorrent rejects larger requests. */
export const BLOCK_LENGTH = 16 * 1024;

/** BEP 9: metadata travels in 16 KiB pieces; only the last one may be shorter. */
export const METADATA_PIECE_LENGTH = 16 * 1024;

export const DEFAULT_LIMITS = {
  /**
   * Absolute cap on any length prefix, whatever the message id. 1 MiB holds the bitfield of an
   * 8-million-piece torrent and more than any extension message in use.
   */
  maxMessageLength: 1024 * 1024,
  /** Largest block accepted in a `piece` message: its length prefix is at most 9 + this. */
  maxBlockLength: BLOCK_LENGTH,
  /**
   * Largest `length` accepted in an incoming `request`. BEP 3: implementations "close connections
   * which request an amount greater than" 16 KiB.
   */
  maxRequestLength: BLOCK_LENGTH,
  /**
   * Largest BEP 10 extended message. libtorrent drops peers whose ut_pex message is over 500 KiB;
   * everything else in use (handshakes, ut_metadata) is far smaller.
   */
  maxExtendedLength: 512 * 1024,
  /**
   * Largest message with an id we do not know (skipped, never buffered). BEP 52's `hashes` message
   * (id 22) is the largest such message in use: up to 512 hashes of 32 bytes plus a proof.
   */
  maxUnknownLength: 128 * 1024,
} as const;

export type DecoderLimits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** BEP 9 metadata (the info dict): 64 MiB holds the piece hashes of a multi-terabyte torrent. */
export const DEFAULT_MAX_METADATA_SIZE = 64 * 1024 * 1024;

/**
 * BEP 11: "Except for the initial PEX message the combined amount of added v4/v6 contacts should
 * not exceed 50 entries. The same applies to dropped entries." libtorrent sends up to 100. We accept
 * 200 of each (room for an initial message) and reject more.
 */
export const DEFAULT_MAX_PEX_PEERS = 200;
