import { expect, test } from '@jest/globals';
import { barLine, MIN_NAME_COLUMNS } from './bar-line.js';
import type { TransferSnapshot } from './figures.js';

const MiB = 1024 * 1024;
const downloading: TransferSnapshot = {
  name: 'debian-13.2.0-amd64-netinst-with-a-long-name.iso',
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
};
// The widest figures a download shows: four-digit sizes and rates, 100 peers, hours of ETA.
const widest: TransferSnapshot = { ...downloading, wantedBytes: 1023.9 * MiB, leftBytes: 1.5 * MiB, downloadRate: 1023.9 * MiB, uploadRate: 1023.9 * MiB, peers: 100, eta: 86_000 };

test('at 80 columns the line fits, the name is shortened and every figure is whole', () => {
  const line = barLine(downloading, 79);
  expect([...line].length).toBeLessThanOrEqual(79);
  expect(line).toMatch(/^debian-13\.2\.0-amd6.*… 30\.0% /);
  for (const figure of ['30.0%', 'downloading', '↓12.5 MiB/s', '12 peers', 'ETA 1h02m']) expect(line).toContain(figure);
});

test('at 80 columns even the widest figures fit beside a name of at least the minimum width', () => {
  const line = barLine(widest, 79);
  expect([...line].length).toBeLessThanOrEqual(79);
  for (const figure of ['99.9%', 'downloading', '↓1023.9 MiB/s', '100 peers', 'ETA 23h53m']) expect(line).toContain(figure);
  expect(line.indexOf(' 99.9%')).toBeGreaterThanOrEqual(MIN_NAME_COLUMNS);
});

test('a wide terminal gets the bar, sizes, both rates and the ratio', () => {
  const line = barLine(downloading, 160);
  expect(line).toContain('debian-13.2.0-amd64-netinst-with-a-long-name.iso');
  expect(line).toMatch(/\[######-+\] 30\.0% downloading 300 MiB\/1000 MiB ↓12\.5 MiB\/s ↑700 KiB\/s 12 peers ETA 1h02m ratio 0\.07$/);
});

test('a finished torrent reads done or seeding with the total uploaded, and one peer is "1 peer"', () => {
  const seeding = { ...downloading, state: 'seeding', leftBytes: 0, peers: 1 };
  expect(barLine(seeding, 120)).toMatch(/ seeding 1000 MiB ↑700 KiB\/s uploaded 20 MiB 1 peer ratio 0\.07$/);
  expect(barLine({ ...seeding, state: 'done' }, 79)).toContain(' done ');
});

test('while fetching metadata there is no percent or size', () => {
  const line = barLine({ ...downloading, state: 'fetching-metadata', wantedBytes: 0, leftBytes: 0, peers: 2 }, 79);
  expect(line).toMatch(/ fetching metadata 2 peers$/);
  expect(line).not.toContain('%');
});

test('a name with escape sequences is shown escaped, never raw', () => {
  const line = barLine({ ...downloading, name: '\u001b[2J\u001b]0;x\u0007evil\u202e' }, 200);
  expect(line).not.toMatch(/[\p{Cc}\u202e]/u);
  expect(line.startsWith('\\x1b[2J\\x1b]0;x\\x07evil\\u202e')).toBe(true);
});

test('on a narrow terminal the least useful figures go first, whole, and the line never exceeds the width', () => {
  const line = barLine(downloading, 50);
  expect([...line].length).toBeLessThanOrEqual(50);
  expect(line).not.toContain('ratio');
  expect(line).toContain('ETA 1h02m');
  expect([...barLine(widest, 20)].length).toBeLessThanOrEqual(20);
});
