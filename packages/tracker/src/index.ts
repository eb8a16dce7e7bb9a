// @typetorrent/tracker: HTTP (BEP 3/23/7/48) and UDP (BEP 15) tracker clients over pure codecs,
// BEP 12 tiers, and an Announcer that keeps one torrent announced.
export { TrackerError, type TrackerErrorCode, type TrackerErrorOptions } from './errors.js';
export type {
  AnnounceEvent,
  AnnounceFailure,
  AnnounceRequest,
  AnnounceResult,
  AnnounceSuccess,
  CryptoSupport,
  Peer,
  RequestOptions,
  ScrapeResult,
  ScrapeStats,
  TrackerTransport,
} from './types.js';

export { HttpTrackerClient, DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_HTTP_TIMEOUT_MS, type HttpTrackerClientOptions } from './http/http-client.js';
export {
  UdpTrackerClient,
  DEFAULT_MAX_RETRANSMITS,
  DEFAULT_RETRANSMIT_BASE_MS,
  type DroppedPacket,
  type HostLookup,
  type UdpTrackerClientEvents,
  type UdpTrackerClientOptions,
} from './udp/udp-client.js';
export type { DropReason } from './udp/transactions.js';
export { TrackerClient, type TrackerClientOptions } from './tracker-client.js';

export { TierList, type TrackerSlot } from './tiers.js';
export { Announcer, type StopOptions } from './announcer/announcer.js';
export type { AnnouncerEvents, AnnouncerOptions, AnnouncerStats, AnnouncerWarning, TrackerReport } from './announcer/types.js';

export { surveyTrackers, type SurveyOptions, type SurveyOutcome } from './survey.js';

export { peerKey, uniquePeers, withoutSelf, isLoopbackOrUnspecified } from './peers.js';
export { guardedClock, MAX_TIMER_MS, systemClock, systemTimers, type Cancel, type Clock, type HostTimers, type Timers } from './timers.js';

// The pure codecs, for anyone building their own transport or a tracker.
export { trackerProtocol, isSupportedTrackerUrl, parseUdpTrackerUrl, scrapeUrlFor, type TrackerProtocol, type UdpTrackerAddress } from './codec/tracker-url.js';
export { announceRequestUrl, scrapeRequestUrl, MAX_HTTP_SCRAPE_HASHES } from './codec/http-query.js';
export { parseAnnounceResponse } from './codec/http-announce-response.js';
export { parseScrapeResponse } from './codec/http-scrape-response.js';
export { decodeCompactPeers, type AddressFamily } from './codec/compact-peers.js';
export { encodeAnnounceRequest, encodeConnectRequest, encodeScrapeRequest, UDP_PROTOCOL_ID } from './codec/udp-requests.js';
export { decodeUdpResponse, readUdpHeader, type UdpHeader, type UdpResponse, type UdpScrapeRecord } from './codec/udp-responses.js';
export { MAX_UDP_SCRAPE_HASHES } from './codec/request.js';
