export { MseError, type MseErrorCode, type MseErrorOptions } from './errors.js';
export {
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  DEFAULT_TIMEOUT_MS,
  KEY_LENGTH,
  MAX_IA,
  MAX_PAD,
  MSE_GENERATOR,
  MSE_PRIME,
  REQ1_SYNC_LIMIT,
  VC_SYNC_LIMIT,
} from './constants.js';
export type { CryptoMethod, HandshakeTiming, MseHandshake, MseResult, MseStep } from './handshake.js';
export { MseInitiator, type MseInitiatorOptions } from './initiator.js';
export { MseResponder, type FindInfoHash, type MseResponderOptions } from './responder.js';
export { InfoHashIndex } from './info-hash-index.js';
export { obfuscatedInfoHash } from './keys.js';
export { MseRateLimiter, type MseRateLimitOptions } from './rate-limiter.js';
export { Rc4 } from './rc4.js';
export { seededRandom, type RandomBytes } from './random.js';
export { cryptoRandom } from './node.js';
export { looksLikePlaintextHandshake } from './detect.js';
export { handshakeOverSocket, type ReadSubscription, type SocketHandshakeOptions } from './node/socket.js';
