// The DHT's node count in the progress display: shown while the session runs a DHT, the first figure
// left out when the line is short of room, and in plain and JSON lines.
import { expect, test } from '@jest/globals';
import { barLine } from './bar-line.js';
import type { TransferSnapshot } from './figures.js';
import { jsonLine, statusLine } from './transfer-progress.js';

const MiB = 1024 * 1024;
const downloading: TransferSnapshot = {
  name: 'ubuntu.iso',
  infoHash: 'ab'.repeat(20),
  state: 'downloading',
  verifiedBytes: 300 * MiB,
  totalBytes: 1000 * MiB,
  wantedBytes: 1000 * MiB,
  leftBytes: 700 * MiB,
  downloadRate: 12.5 * MiB,
  uploadRate: 700 * 1024,
  downloaded: 300 * MiB,
  uploaded: 20 * MiB,
  peers: 12,
  eta: 3725,
  dhtNodes: 187,
};

test('a wide line shows the DHT node count, a session without DHT shows none', () => {
  expect(barLine(downloading, 160)).toMatch(/ DHT 187 nodes$/);
  expect(barLine({ ...downloading, dhtNodes: undefined }, 160)).not.toContain('DHT');
  expect(barLine({ ...downloading, dhtNodes: 1 }, 160)).toMatch(/ DHT 1 node$/);
});

test('while fetching metadata and seeding the count is shown too, while checking it is not', () => {
  expect(barLine({ ...downloading, state: 'fetching-metadata', peers: 0 }, 80)).toMatch(/fetching metadata 0 peers DHT 187 nodes$/);
  expect(barLine({ ...downloading, state: 'seeding', leftBytes: 0 }, 160)).toMatch(/ DHT 187 nodes$/);
  expect(barLine({ ...downloading, state: 'checking' }, 160)).not.toContain('DHT');
});

test('at 80 columns the count is the first figure left out, and the line fits', () => {
  const line = barLine(downloading, 79);
  expect([...line].length).toBeLessThanOrEqual(79);
  expect(line).not.toContain('DHT');
  for (const figure of ['30.0%', 'downloading', '↓12.5 MiB/s', '12 peers', 'ETA 1h02m']) expect(line).toContain(figure);
  // With room for it and the ratio but not the bar, the ratio stays and so does the count.
  const roomy = barLine(downloading, 120);
  expect(roomy).toContain('ratio');
  expect(roomy).toContain('DHT 187 nodes');
});

test('the plain status line and JSON carry the count (null without a DHT)', () => {
  expect(statusLine(downloading)).toMatch(/ \| DHT 187 nodes$/);
  expect(statusLine({ ...downloading, dhtNodes: undefined })).not.toContain('DHT');
  expect(JSON.parse(jsonLine('progress', downloading))).toMatchObject({ dhtNodes: 187 });
  expect(JSON.parse(jsonLine('progress', { ...downloading, dhtNodes: undefined }))).toMatchObject({ dhtNodes: null });
});
