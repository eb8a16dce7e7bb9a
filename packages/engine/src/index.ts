// @typetorrent/engine: a BitTorrent client to embed. Sessions and torrents (the integration layer)
// and the pure parts they are built from: piece picker, choker, rate limiters, request queues.
export const packageName = '@typetorrent/engine';

// Sessions and torrents.
export { Session, DEFAULT_PORT, type SessionEvents, type SessionOptions } from './session/session.js';
export { DEFAULT_HASH_THREADS } from './session/session-hasher.js';
export { UDP_BUFFER_BYTES, type SessionUtpOptions } from './session/session-udp.js';
export { UTP_HEAD_START_MS } from './net/utp-dial.js';
export type { PeerSocket, PeerTransport } from './net/peer-socket.js';
export { DEFAULT_MAX_CONNECTING, DEFAULT_MAX_CONNECTIONS } from './session/budget.js';
export { DEFAULT_MAX_ACTIVE, DEFAULT_MAX_ACTIVE_DOWNLOADS, DEFAULT_MAX_ACTIVE_SEEDS, type ActiveLimits } from './session/active-queue.js';
export { DEFAULT_ANNOUNCES_PER_SECOND } from './session/announce-pacer.js';
export { Torrent, DEFAULT_MAX_PEERS, type TorrentSource } from './torrent/torrent.js';
export type {
  AddTorrentOptions,
  Endpoint,
  PeerEvent,
  PeerInfo,
  TorrentEvents,
  TorrentProgress,
  TorrentRateLimits,
  TorrentState,
  TorrentStatus,
} from './torrent/types.js';
// Local Service Discovery (BEP 14) messages, for tools that speak it.
export { decodeLsdAnnounce, encodeLsdAnnounce, LSD_GROUP_V4, LSD_GROUP_V6, LSD_PORT, type LsdAnnounce } from './lsd/lsd-message.js';
export { EngineError, type EngineErrorCode, type EngineErrorDetails } from './errors.js';
export { DEFAULT_TUNING, type EngineTuning } from './tuning.js';
export { systemClock, type Cancel, type Clock } from './clock.js';
export { tcpSocketFactory, SOCKET_HIGH_WATER_MARK, type ConnectOptions, type DialEncryption, type SocketFactory } from './net/socket-factory.js';
export { DEFAULT_ENCRYPTION, ENCRYPTION_POLICIES, isEncryptionPolicy, type EncryptionPolicy, type PeerCipher } from './net/encryption.js';
export { PeerConnection, KEEP_ALIVE_MS, INACTIVITY_MS, type PeerConnectionEvents, type PeerConnectionOptions, type PeerDirection } from './peer/peer-connection.js';
export { BanList, DEFAULT_BAN_MS, endpointKey, peerIdKey } from './peer/ban-list.js';

// The pure parts (helper modules, usable on their own).
export { PiecePicker, DEFAULT_ENDGAME_MAX_REQUESTERS, type InFlightRequest, type PiecePickerOptions } from './picker/piece-picker.js';
export { piecePrioritiesFromFiles, type FilePieceRange } from './picker/priorities.js';
export { seededRandom, type RandomSource } from './picker/random.js';
export * from './picker/types.js';
export * from './choke/choker.js';
export * from './rate/rate-limiter.js';
export * from './rate/rate-meter.js';
export * from './requests/peer-requests.js';
export { requestQueueDepth, REQUEST_QUEUE_TIME_MS, MIN_REQUEST_QUEUE, MAX_REQUEST_QUEUE, type QueueDepthOptions } from './requests/queue-depth.js';
