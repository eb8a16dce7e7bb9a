import { expect, test } from '@jest/globals';
import type { Terminal } from '../terminal.js';
import { createTransferProgress, formatEta, jsonLine, statusLine } from './transfer-progress.js';
import type { TransferSnapshot } from './transfer-progress.js';

const snapshot: TransferSnapshot = {
  name: 'ubuntu.iso',
  infoHash: 'ab'.repeat(20),
  state: 'downloading',
  verifiedBytes: 512 * 1024,
  totalBytes: 1024 * 1024,
  wantedBytes: 1024 * 1024,
  leftBytes: 512 * 1024,
  downloadRate: 2048,
  uploadRate: 0,
  downloaded: 600 * 1024,
  uploaded: 150 * 1024,
  peers: 3,
  eta: 256,
};

function recordingTerminal(): Terminal & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l), progressStream: undefined };
}

test('statusLine shows percent, sizes, rates, peers, ETA and ratio', () => {
  expect(statusLine(snapshot)).toBe('ubuntu.iso: downloading 50.0% | 512 KiB of 1 MiB | down 2 KiB/s | up 0 B/s | 3 peers | ETA 4m16s | ratio 0.25');
});

test('one peer is "1 peer"', () => {
  expect(statusLine({ ...snapshot, peers: 1 })).toContain('| 1 peer |');
});

test('with some files selected, the sizes and percent are of the selected files', () => {
  const selected = { ...snapshot, verifiedBytes: 300 * 1024, wantedBytes: 200 * 1024, leftBytes: 50 * 1024 };
  expect(statusLine(selected)).toMatch(/^ubuntu\.iso: downloading 75\.0% \| 150 KiB of 200 KiB \|/);
  expect(JSON.parse(jsonLine('progress', selected))).toMatchObject({ percent: 75, wantedBytes: 204800, leftBytes: 51200, totalBytes: 1048576 });
});

test('a seed shows the total uploaded; fetching metadata shows no percent or size', () => {
  const seeding = { ...snapshot, state: 'seeding', leftBytes: 0, downloaded: 0, uploaded: 3 * 1024 * 1024 };
  expect(statusLine(seeding)).toBe('ubuntu.iso: seeding 100.0% | 1 MiB of 1 MiB | up 0 B/s | uploaded 3 MiB | 3 peers | ratio inf');
  const fetching = { ...snapshot, state: 'fetching-metadata', totalBytes: 0, wantedBytes: 0, leftBytes: 0, peers: 1 };
  expect(statusLine(fetching)).toBe('ubuntu.iso: fetching-metadata (the size comes with it) | 1 peer');
  expect(JSON.parse(jsonLine('progress', fetching))).toMatchObject({ state: 'fetching-metadata', percent: 0 });
});

test('a name with escape sequences and line breaks prints as visible escapes', () => {
  expect(statusLine({ ...snapshot, name: 'a\u001b[2J\nb\u202e' })).toMatch(/^a\\x1b\[2J\\x0ab\\u202e: downloading/);
});

test('jsonLine is one JSON object with numeric fields and null for unknown ETA', () => {
  const parsed = JSON.parse(jsonLine('progress', { ...snapshot, eta: undefined })) as Record<string, unknown>;
  expect(parsed).toMatchObject({ type: 'progress', percent: 50, peers: 3, eta: null, ratio: 0.25, infoHash: 'ab'.repeat(20) });
});

test('jsonLine leaves no raw control or bidi character, and parses back to the same name', () => {
  const name = 'x\u001b]0;t\u0007\u009b\u202e';
  const line = jsonLine('progress', { ...snapshot, name });
  expect(line).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  expect((JSON.parse(line) as { name: string }).name).toBe(name);
});

test('formatEta covers seconds, minutes, hours and unknown', () => {
  expect([formatEta(5), formatEta(75), formatEta(7322), formatEta(undefined), formatEta(Infinity)]).toEqual(['5s', '1m15s', '2h02m', '--', '--']);
});

test('without a terminal, a line is printed on state changes and when figures change after the interval', () => {
  let now = 0;
  const term = recordingTerminal();
  const progress = createTransferProgress(term, { json: false, plainIntervalMs: 1000, now: () => now });
  progress.update(snapshot);
  now = 500;
  progress.update({ ...snapshot, downloadRate: 4096 });
  progress.update({ ...snapshot, state: 'seeding' });
  now = 2000;
  progress.update({ ...snapshot, state: 'seeding', uploaded: 200 * 1024 });
  expect(term.errLines).toHaveLength(3);
  expect(term.outLines).toHaveLength(0);
});

test('without a terminal, an idle seed does not print the same line again', () => {
  let now = 0;
  const term = recordingTerminal();
  const progress = createTransferProgress(term, { json: false, plainIntervalMs: 5000, now: () => now });
  const idle = { ...snapshot, state: 'seeding', leftBytes: 0, uploaded: 5 * 1024 * 1024 };
  for (let i = 0; i < 100; i++) {
    progress.update(idle);
    now += 5000;
  }
  expect(term.errLines).toEqual(['ubuntu.iso: seeding 100.0% | 1 MiB of 1 MiB | up 0 B/s | uploaded 5 MiB | 3 peers | ratio 8.53']);
});

test('with --json every update is a line on stdout', () => {
  const term = recordingTerminal();
  const progress = createTransferProgress(term, { json: true });
  progress.update(snapshot);
  progress.log('done');
  expect(term.outLines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['progress', 'message']);
});
