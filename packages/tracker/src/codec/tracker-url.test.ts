import { describe, expect, test } from '@jest/globals';
import { thrownCode } from '../testing/thrown.js';
import { isSupportedTrackerUrl, parseUdpTrackerUrl, scrapeUrlFor, trackerProtocol } from './tracker-url.js';

describe('scrapeUrlFor follows the BEP 48 convention', () => {
  // The table from BEP 48, plus udp and query-string cases.
  test.each([
    ['http://example.com/announce', 'http://example.com/scrape'],
    ['http://example.com/x/announce', 'http://example.com/x/scrape'],
    ['http://example.com/announce.php', 'http://example.com/scrape.php'],
    ['http://example.com/a', undefined],
    ['http://example.com/announce?x2%0644', 'http://example.com/scrape?x2%0644'],
    ['http://example.com/announce?x=2/4', 'http://example.com/scrape?x=2/4'],
    ['http://example.com/x%064announce', undefined],
    ['https://example.com:8443/pass/announce?passkey=abc#frag', 'https://example.com:8443/pass/scrape?passkey=abc'],
    ['http://example.com', undefined],
    ['udp://example.com:6969/announce', 'udp://example.com:6969/announce'],
    ['wss://example.com/announce', undefined],
  ])('%s → %s', (announce, scrape) => {
    expect(scrapeUrlFor(announce)).toBe(scrape);
  });
});

describe('trackerProtocol', () => {
  test.each([
    ['http://t/announce', 'http'],
    ['https://t/announce', 'http'],
    ['udp://t:1/announce', 'udp'],
  ])('%s speaks %s', (url, protocol) => {
    expect(trackerProtocol(url)).toBe(protocol);
  });

  test.each([
    ['wss://t/announce', 'UNSUPPORTED_PROTOCOL'],
    ['ftp://t/announce', 'UNSUPPORTED_PROTOCOL'],
    ['not a url', 'INVALID_URL'],
  ])('%s is rejected with %s', (url, code) => {
    expect(thrownCode(() => trackerProtocol(url))).toBe(code);
    expect(isSupportedTrackerUrl(url)).toBe(false);
  });
});

describe('parseUdpTrackerUrl', () => {
  test.each([
    ['udp://tracker.example:1337/announce', { host: 'tracker.example', port: 1337 }],
    ['udp://127.0.0.1:6969', { host: '127.0.0.1', port: 6969 }],
    ['udp://[::1]:6969/announce', { host: '::1', port: 6969 }],
  ])('%s', (url, expected) => {
    expect(parseUdpTrackerUrl(url)).toEqual(expected);
  });

  test.each([
    ['udp://tracker.example/announce', 'INVALID_URL'],
    ['udp://tracker.example:0/', 'INVALID_URL'],
    ['http://tracker.example:80/', 'UNSUPPORTED_PROTOCOL'],
  ])('%s is rejected with %s', (url, code) => {
    expect(thrownCode(() => parseUdpTrackerUrl(url))).toBe(code);
  });
});
