// @typetorrent/tracker's reply codecs: HTTP announce and scrape bodies (bencode) and BEP 15 UDP
// packets. There are no reply encoders in the package, so these check only that a reply either
// decodes or is refused with a TrackerError.
import { TrackerError, decodeUdpResponse, parseAnnounceResponse, parseScrapeResponse } from '@typetorrent/tracker';
import { bucket, errorLabel, type FuzzTarget } from '../target.js';
import { BENCODE_TOKENS, keyTokens } from './bencode-tokens.js';

function trackerErrorLabel(error: unknown): string | undefined {
  // The message is the only detail a codec error carries; its first words name the field.
  return error instanceof TrackerError ? errorLabel(error.code, error.message.split(' ').slice(0, 3).join(' ')) : undefined;
}

export const httpAnnounceTarget: FuzzTarget = {
  name: 'tracker-http-announce',
  dictionary: [
    ...BENCODE_TOKENS,
    ...keyTokens(['failure reason', 'retry in', 'warning message', 'interval', 'min interval', 'complete', 'incomplete', 'tracker id', 'peers', 'peers6', 'peer id', 'ip', 'port', 'never', '127.0.0.1', '::1', 'example.com']),
    '6:', '12:', '18:',
  ],
  run(input) {
    const result = parseAnnounceResponse(input);
    if (!result.ok) return `failure retry:${result.retryInMinutes !== undefined}`;
    const fields = Object.keys(result).filter((k) => k !== 'peers' && k !== 'ok').sort().join(',');
    return `ok peers:${bucket(result.peers.length)} ${fields}`;
  },
  expectedError: trackerErrorLabel,
};

export const httpScrapeTarget: FuzzTarget = {
  name: 'tracker-http-scrape',
  dictionary: [
    ...BENCODE_TOKENS,
    ...keyTokens(['failure reason', 'files', 'complete', 'downloaded', 'incomplete', 'name', 'flags', 'min_request_interval']),
    '20:aaaaaaaaaaaaaaaaaaaa', '20:',
  ],
  run(input) {
    const result = parseScrapeResponse(input);
    return result.ok ? `ok files:${bucket(result.files.length)}` : 'failure';
  },
  expectedError: trackerErrorLabel,
};

/** Byte 0 picks the socket's family (even: IPv4, odd: IPv6); the packet follows. */
export const udpTarget: FuzzTarget = {
  name: 'tracker-udp',
  dictionary: ['\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x02', '\x00\x00\x00\x03', '\x00\x00\x00\x04', '\xff\xff\xff\xff', '\x7f\x00\x00\x01\x1a\xe1'],
  maxInputLength: 2048,
  run(input) {
    const family = ((input[0] ?? 0) & 1) === 0 ? 4 : 6;
    const reply = decodeUdpResponse(input.subarray(1), family);
    switch (reply.action) {
      case 'announce':
        return `announce${family} peers:${bucket(reply.peers.length)}`;
      case 'scrape':
        return `scrape records:${bucket(reply.records.length)}`;
      case 'empty':
        return `empty ${reply.replyTo}`;
      default:
        return reply.action;
    }
  },
  expectedError: trackerErrorLabel,
};
