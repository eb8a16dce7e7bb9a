import { expect, test } from '@jest/globals';
import { magnetInfoText } from './info-text.js';
import { peerSources, peerSourcesText } from './peer-sources.js';

test('a public torrent gets peers from its trackers, the DHT, PEX and LSD', () => {
  expect(peerSources(false, 2)).toEqual(['trackers', 'dht', 'pex', 'lsd']);
  expect(peerSourcesText(false, 2)).toBe('trackers, the DHT (off: --no-dht), peer exchange and local discovery (LSD, off: --no-lsd)');
});

test('a public torrent with no tracker still has the DHT, PEX and LSD', () => {
  expect(peerSources(false, 0)).toEqual(['dht', 'pex', 'lsd']);
  expect(peerSourcesText(false, 0)).toBe('the DHT (off: --no-dht), peer exchange and local discovery (LSD, off: --no-lsd)');
});

test('a private torrent has its trackers only, or nothing but --peer', () => {
  expect(peerSources(true, 1)).toEqual(['trackers']);
  expect(peerSourcesText(true, 1)).toBe('trackers only (private)');
  expect(peerSources(true, 0)).toEqual([]);
  expect(peerSourcesText(true, 0)).toBe('only peers given with --peer (private, and no tracker)');
});

test('info on a trackerless magnet link says where peers come from, not "none"', () => {
  const lines = magnetInfoText({ infoHash: new Uint8Array(20), infoHashHex: '00'.repeat(20), multihashes: [], trackers: [], webSeeds: [], peers: [], name: 'x' } as unknown as Parameters<typeof magnetInfoText>[0]);
  expect(lines).toContain('peers from: the DHT (off: --no-dht), peer exchange and local discovery (LSD, off: --no-lsd)');
  expect(lines).toContain('trackers:   none');
});
