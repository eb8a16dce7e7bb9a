// The bencoded body of an HTTP announce response: BEP 3 fields, BEP 23 compact peers, BEP 7 peers6,
// BEP 31 `retry in`. A `failure reason` is an answer (a value), not an exception.
import { isBytes, isDict, isList, type BencodeDict, type BencodeValue } from '@typetorrent/bencode';
import { canonicalHost } from '@typetorrent/metainfo';
import type { AnnounceResult, AnnounceSuccess, Peer } from '../types.js';
import { displayText } from './bytes.js';
import { decodeDict, malformed, optionalBytes, optionalCount, optionalText } from './bencode-fields.js';
import { decodeCompactPeers } from './compact-peers.js';

/** A host name longer than DNS allows is not a peer address. */
const MAX_HOST_LENGTH = 253;

export function parseAnnounceResponse(body: Uint8Array): AnnounceResult {
  const dict = decodeDict(body, 'announce response');

  const failure = optionalText(dict, 'failure reason');
  if (failure !== undefined) {
    // BEP 31: `retry in` is minutes, or the string "never".
    const retryIn = dict.get('retry in');
    const retryInMinutes = typeof retryIn === 'number' && retryIn >= 0 ? retryIn : undefined;
    return retryInMinutes === undefined ? { ok: false, reason: failure } : { ok: false, reason: failure, retryInMinutes };
  }

  const peers = [...peerList(dict.get('peers'))];
  const peers6 = optionalBytes(dict, 'peers6');
  if (peers6 !== undefined) peers.push(...decodeCompactPeers(peers6, 6));

  // Built field by field so that absent fields stay absent rather than present-and-undefined.
  const result: Mutable<AnnounceSuccess> = { ok: true, peers };
  const interval = optionalCount(dict, 'interval');
  if (interval !== undefined) result.interval = interval;
  const minInterval = optionalCount(dict, 'min interval');
  if (minInterval !== undefined) result.minInterval = minInterval;
  const seeders = optionalCount(dict, 'complete');
  if (seeders !== undefined) result.seeders = seeders;
  const leechers = optionalCount(dict, 'incomplete');
  if (leechers !== undefined) result.leechers = leechers;
  // Copied: decoded strings are views into the whole response body.
  const trackerId = optionalBytes(dict, 'tracker id');
  if (trackerId !== undefined) result.trackerId = trackerId.slice();
  const warning = optionalText(dict, 'warning message');
  if (warning !== undefined) result.warning = warning;
  return result;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** BEP 23 compact string, or the original BEP 3 list of dicts; absent means no peers. */
function peerList(value: BencodeValue | undefined): Peer[] {
  if (value === undefined) return [];
  if (isBytes(value)) return decodeCompactPeers(value, 4);
  if (!isList(value)) throw malformed('"peers" must be a byte string or a list');
  const peers: Peer[] = [];
  for (const entry of value) {
    if (!isDict(entry)) throw malformed('each entry of "peers" must be a dictionary');
    const peer = dictPeer(entry);
    if (peer !== undefined) peers.push(peer);
  }
  return peers;
}

function dictPeer(entry: BencodeDict): Peer | undefined {
  const ip = optionalBytes(entry, 'ip');
  const port = optionalCount(entry, 'port');
  if (ip === undefined || port === undefined) throw malformed('a peer dictionary needs "ip" and "port"');
  // An IP literal is respelled as the compact lists spell it (::ffff:1.2.3.4 -> 1.2.3.4), so one peer
  // listed both ways is one peer; a host name stays as it is.
  const host = canonicalHost(displayText(ip).trim());
  // Port 0 and empty or oversized hosts cannot be dialled: skip the entry, keep the rest.
  if (port < 1 || port > 0xffff || host === '' || host.length > MAX_HOST_LENGTH) return undefined;
  const peerId = optionalBytes(entry, 'peer id');
  return peerId === undefined ? { host, port } : { host, port, peerId: peerId.slice() };
}
