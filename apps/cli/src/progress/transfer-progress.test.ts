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

test('jsonLine is one JSON object with numeric fields and null for unknown ETA', () => {
  const parsed = JSON.parse(jsonLine('progress', { ...snapshot, eta: undefined })) as Record<string, unknown>;
  expect(parsed).toMatchObject({ type: 'progress', percent: 50, peers: 3, eta: null, ratio: 0.25, infoHash: 'ab'.repeat(20) });
});

test('formatEta covers seconds, minutes, hours and unknown', () => {
  expect([formatEta(5), formatEta(75), formatEta(7322), formatEta(undefined), formatEta(Infinity)]).toEqual(['5s', '1m15s', '2h02m', '--', '--']);
});

test('without a terminal, progress is a status line at most every interval per torrent, and on state changes', () => {
  let now = 0;
  const term = recordingTerminal();
  const progress = createTransferProgress(term, { json: false, plainIntervalMs: 1000, now: () => now });
  progress.update(snapshot);
  now = 500;
  progress.update(snapshot);
  progress.update({ ...snapshot, state: 'seeding' });
  now = 2000;
  progress.update({ ...snapshot, state: 'seeding' });
  expect(term.errLines).toHaveLength(3);
  expect(term.outLines).toHaveLength(0);
});

test('with --json every update is a line on stdout', () => {
  const term = recordingTerminal();
  const progress = createTransferProgress(term, { json: true });
  progress.update(snapshot);
  progress.log('done');
  expect(term.outLines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['progress', 'message']);
});
