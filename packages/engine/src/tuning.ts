// Every timing and size the engine runs on, in one place, with the value each defaults to and why.
// Tests shorten the timeouts (a hostile peer that never answers should not cost a minute); the
// defaults are what real swarms expect.
import { CONNECT_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS } from './peer/handshake-io.js';
import { INACTIVITY_MS, KEEP_ALIVE_MS } from './peer/peer-connection.js';
import { REQUEST_TIMEOUT_MS, SNUB_TIMEOUT_MS } from './requests/peer-requests.js';
import { RECHOKE_INTERVAL_MS, DEFAULT_UNCHOKE_SLOTS } from './choke/choker.js';
import { DEFAULT_BAN_MS } from './peer/ban-list.js';

export interface EngineTuning {
  readonly connectTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly inactivityMs: number;
  /** A peer that sends no block for this long while we wait has its requests handed to others. */
  readonly requestTimeoutMs: number;
  readonly snubTimeoutMs: number;
  /** Tit-for-tat rounds (BEP 3: every 10 s); the optimistic unchoke rotates every 30 s inside the choker. */
  readonly rechokeIntervalMs: number;
  /** Regular upload slots per torrent (plus one optimistic). */
  readonly uploadSlots: number;
  /**
   * Requests kept in flight per peer, before and after its rate is known. A fresh connection gets
   * the minimum at once, so a fast link does not start from two requests; the adaptive depth (3 s of
   * transfer at the peer's rate) then decides, up to the maximum and the peer's `reqq`.
   */
  readonly minRequestQueue: number;
  readonly maxRequestQueue: number;
  readonly banMs: number;
  /** How often the torrent ticks (timeouts, keep-alives, progress events). */
  readonly tickMs: number;
  /** Longest wait for `stopped` announces and resume data on stop. */
  readonly stopTimeoutMs: number;
  /** First wait before redialling a peer that failed; doubles per failure. */
  readonly reconnectBaseMs: number;
  /**
   * Incoming MSE handshakes one address may start at once, and earns back per second (each costs
   * Diffie-Hellman work: issue 16, defect 3). Past them its connections are closed unanswered; an
   * encrypting peer that prefers MSE then retries in plaintext.
   */
  readonly mseBurst: number;
  readonly msePerSecond: number;
}

export const DEFAULT_TUNING: EngineTuning = {
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  keepAliveMs: KEEP_ALIVE_MS,
  inactivityMs: INACTIVITY_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  snubTimeoutMs: SNUB_TIMEOUT_MS,
  rechokeIntervalMs: RECHOKE_INTERVAL_MS,
  uploadSlots: DEFAULT_UNCHOKE_SLOTS,
  minRequestQueue: 4,
  maxRequestQueue: 500,
  banMs: DEFAULT_BAN_MS,
  tickMs: 1000,
  stopTimeoutMs: 5000,
  reconnectBaseMs: 5000,
  mseBurst: 8,
  msePerSecond: 2,
};
