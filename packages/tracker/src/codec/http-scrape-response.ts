// The bencoded body of an HTTP scrape response (BEP 48): `files` maps each raw 20-byte info-hash to
// its counts. A `failure reason` is an answer, not an exception.
import { isDict } from '@typetorrent/bencode';
import type { ScrapeResult, ScrapeStats } from '../types.js';
import { latin1Bytes, toHex } from './bytes.js';
import { decodeDict, malformed, optionalCount, optionalDict, optionalText } from './bencode-fields.js';
import { HASH_LENGTH } from './request.js';

export function parseScrapeResponse(body: Uint8Array): ScrapeResult {
  const dict = decodeDict(body, 'scrape response');
  const failure = optionalText(dict, 'failure reason');
  if (failure !== undefined) return { ok: false, reason: failure };

  // A tracker that knows none of the hashes may leave `files` out or send it empty.
  const files = optionalDict(dict, 'files') ?? new Map();
  const stats: ScrapeStats[] = [];
  for (const [key, value] of files) {
    // Keys are the raw hash bytes, decoded as latin1: one char per byte.
    if (key.length !== HASH_LENGTH) throw malformed(`scrape "files" key is ${key.length} bytes, not ${HASH_LENGTH}`);
    if (!isDict(value)) throw malformed('each scrape "files" entry must be a dictionary');
    const infoHash = latin1Bytes(key);
    const name = optionalText(value, 'name');
    stats.push({
      infoHash,
      infoHashHex: toHex(infoHash),
      // BEP 48 makes the three counts mandatory; a tracker that leaves one out has none to give.
      seeders: optionalCount(value, 'complete') ?? 0,
      completed: optionalCount(value, 'downloaded') ?? 0,
      leechers: optionalCount(value, 'incomplete') ?? 0,
      ...(name === undefined ? {} : { name }),
    });
  }
  return { ok: true, files: stats };
}
