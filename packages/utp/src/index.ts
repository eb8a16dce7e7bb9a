// @typetorrent/utp: uTP (BEP 29) with LEDBAT. The sans-I/O core (packet codec, connection state
// machine, endpoint) and the node adapter (a net-like socket over UDP).
export { UtpError, type UtpErrorCode, type UtpErrorOptions } from './errors.js';
export { decodePacket, encodePacket, isUtpDatagram, sackedSeqs, PacketType, HEADER_SIZE, type Packet, type DecodeResult } from './packet.js';
export { seqAdd, seqDistance, seqLess } from './seq.js';
export { ManualClock, seededRandom, type Clock, type Random } from './clock.js';
export { RttEstimator, MIN_RTO_MS, INITIAL_RTO_MS } from './rtt.js';
export { Ledbat, type LedbatOptions } from './ledbat.js';
export { DEFAULT_CONNECTION_OPTIONS, type ConnectionOptions } from './options.js';
export { Connection, type ConnectionEvents, type ConnectionState } from './connection.js';
export { UtpEndpoint, type EndpointLimits, type EndpointOptions, type EndpointStats, type Remote } from './endpoint.js';
export { UtpSocket, createUtpSocket, type UtpSocketEvents, type UtpSocketOptions } from './node/socket.js';
export { UtpStream } from './node/stream.js';
