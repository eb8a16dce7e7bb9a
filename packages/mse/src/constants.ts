// Numbers of the Message Stream Encryption spec (Ludde/uau/The_8472/Parg/Nolar, as libtorrent and
// Vuze implement it). All lengths in bytes.

/** The 768-bit safe prime P of the spec, big-endian; the generator is 2. */
export const MSE_PRIME = Uint8Array.from(
  Buffer.from(
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
    'hex',
  ),
);
export const MSE_GENERATOR = 2;
/** Ya, Yb and S are 768-bit numbers sent as exactly 96 bytes. */
export const KEY_LENGTH = 96;
/** Private exponents: the spec asks for 160 bits (128 minimum; more adds nothing but CPU). */
export const PRIVATE_KEY_LENGTH = 20;
/** PadA, PadB (random) and PadC, PadD (zeros) are 0..512 bytes. */
export const MAX_PAD = 512;
/** SHA-1 output. */
export const HASH_LENGTH = 20;
/** Verification constant: 8 zero bytes, sent encrypted. */
export const VC_LENGTH = 8;
/** Keystream bytes thrown away after keying RC4, as the spec requires. */
export const RC4_DISCARD = 1024;
/**
 * The responder must find HASH('req1', S) within this many bytes from the start of the connection:
 * Ya (96) + PadA (at most 512) + the hash (20).
 */
export const REQ1_SYNC_LIMIT = KEY_LENGTH + MAX_PAD + HASH_LENGTH;
/**
 * The initiator must find ENCRYPT(VC) within this many bytes from the start: Yb (96) + PadB (at most
 * 512) + VC (8). (Some copies of the spec say 516, a typo: PadB alone may be 512 bytes.)
 */
export const VC_SYNC_LIMIT = KEY_LENGTH + MAX_PAD + VC_LENGTH;
/** len(IA) is two bytes: the spec lets the initiator buffer up to 65535 bytes of initial payload. */
export const MAX_IA = 0xffff;
/** Default handshake deadline: the spec lets either side give up on a peer silent for 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** crypto_provide / crypto_select bits. */
export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;
