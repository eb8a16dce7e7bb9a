import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Command } from 'commander';
import { createTorrent } from '@typetorrent/metainfo';
import { HttpTrackerClient } from '@typetorrent/tracker';
import { deterministicBytes, describeWithTools, makeTempDir, removeTempDir, startOpentracker, type Opentracker } from '@typetorrent/testkit';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE } from '../errors.js';
import type { Terminal } from '../terminal.js';
import { registerPeers, runPeers } from './peers.js';

function captureTerminal(): Terminal & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: () => undefined, progressStream: undefined };
}

async function writeTorrent(dir: string, name: string, trackers: string[][]): Promise<{ file: string; infoHash: Uint8Array; hex: string }> {
  const data = deterministicBytes(1000, name.length);
  const created = await createTorrent(
    { kind: 'file', name, length: data.length, read: async function* () { yield data; } },
    { trackers },
  );
  const file = path.join(dir, `${name}.torrent`);
  await fs.writeFile(file, created.torrent);
  return { file, infoHash: created.metainfo.infoHash, hex: created.metainfo.infoHashHex };
}

async function failure(run: Promise<void>): Promise<CliError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('cli-peers-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('typetorrent peers without a working tracker', () => {
  test('a magnet without trackers is bad input', async () => {
    const error = await failure(runPeers(`magnet:?xt=urn:btih:${'ab'.repeat(20)}`, {}, captureTerminal()));
    expect(error.exitCode).toBe(EXIT_BAD_INPUT);
  });

  test('prints each failure and exits 1 when no tracker answers', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const terminal = captureTerminal();
    const magnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&tr=${encodeURIComponent('http://127.0.0.1:1/announce')}&tr=${encodeURIComponent('wss://tracker.example/announce')}`;
    const error = await failure(runPeers(magnet, { timeout: 5 }, terminal));
    expect(error.exitCode).toBe(EXIT_FAILURE);
    expect(error.message).toBe('no tracker answered (2 asked)');
    expect(terminal.lines[0]).toBe(`info-hash ${'ab'.repeat(20)}`);
    expect(terminal.lines).toContain('tier 1  http://127.0.0.1:1/announce');
    expect(terminal.lines.some((l) => l.startsWith('  failed: HTTP request failed'))).toBe(true);
    expect(terminal.lines).toContain('  skipped: only http, https and udp trackers are supported');
    expect(terminal.lines.at(-1)).toBe('0 peers from 0 of 2 trackers');
  });

  test('the command rejects a bad --port and --timeout before doing anything', async () => {
    for (const args of [['--port', '0'], ['--port', 'x'], ['--timeout', '0'], ['--timeout', 'soon']]) {
      const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
      registerPeers(program);
      await expect(program.parseAsync(['node', 'typetorrent', 'peers', ...args, 'x.torrent'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    }
  });
});

describeWithTools(['opentracker'], 'typetorrent peers against opentracker', () => {
  let tracker: Opentracker;
  let torrent: { file: string; infoHash: Uint8Array; hex: string };
  const http = new HttpTrackerClient({ timeoutMs: 5000 });
  const other = { peerId: new TextEncoder().encode('-XX0001-otherpeer001'), port: 7777, uploaded: 0, downloaded: 0 };

  beforeAll(async () => {
    tracker = await startOpentracker({ infoHashes: [] });
    torrent = await writeTorrent(dir, 'swarm', [[tracker.httpAnnounceUrl, tracker.udpAnnounceUrl], ['wss://tracker.example/announce']]);
    await tracker.allow(torrent.hex);
    // Another peer, a seeder, already in the swarm.
    await http.announce(tracker.httpAnnounceUrl, { ...other, infoHash: torrent.infoHash, left: 0, event: 'started' });
  });
  afterAll(async () => {
    await tracker?.stop();
  });

  test('asks every tracker, prints each answer and the peers without ourselves', async () => {
    const terminal = captureTerminal();
    await runPeers(torrent.file, { port: 6999, timeout: 5 }, terminal);
    const text = terminal.lines.join('\n');
    expect(text).toContain(`tier 1  ${tracker.httpAnnounceUrl}\n  2 peers, 1 seeder, 1 leecher, re-announce every`);
    expect(text).toContain(`tier 1  ${tracker.udpAnnounceUrl}\n  2 peers, 1 seeder, 1 leecher, re-announce every`);
    expect(text).toContain('tier 2  wss://tracker.example/announce\n  skipped: only http, https and udp trackers are supported');
    expect(terminal.lines.slice(-2)).toEqual(['1 peer from 2 of 3 trackers:', '  127.0.0.1:7777']);
  });

  test('announces stopped afterwards, so the tracker forgets us', async () => {
    await runPeers(torrent.file, { port: 6999, timeout: 5 }, captureTerminal());
    expect(await http.scrape(tracker.httpAnnounceUrl, [torrent.infoHash])).toMatchObject({ ok: true, files: [{ seeders: 1, leechers: 0 }] });
  });

  test('--json gives one object with every tracker and the peer union', async () => {
    const terminal = captureTerminal();
    await runPeers(torrent.file, { port: 6999, timeout: 5, json: true }, terminal);
    const json: unknown = JSON.parse(terminal.lines.join('\n'));
    expect(json).toMatchObject({
      schema: 1,
      infoHash: torrent.hex,
      mode: 'announce',
      trackers: [
        { url: tracker.httpAnnounceUrl, tier: 1, status: 'announced', seeders: 1, leechers: 1, stopError: null },
        { url: tracker.udpAnnounceUrl, tier: 1, status: 'announced', seeders: 1, leechers: 1 },
        { url: 'wss://tracker.example/announce', tier: 2, status: 'unsupported' },
      ],
      peers: ['127.0.0.1:7777'],
    });
  });

  test('--scrape only scrapes: counts per tracker, nothing announced', async () => {
    const terminal = captureTerminal();
    await runPeers(torrent.file, { scrape: true, timeout: 5 }, terminal);
    expect(terminal.lines).toContain(`tier 1  ${tracker.udpAnnounceUrl}`);
    expect(terminal.lines.filter((l) => l === '  1 seeder, 0 leechers, downloaded 0 times')).toHaveLength(2);
    expect(terminal.lines.join('\n')).not.toContain('peers from');
  });

  test('a torrent the tracker does not track is refused, and the run fails', async () => {
    const unknown = await writeTorrent(dir, 'not-whitelisted', [[tracker.httpAnnounceUrl, tracker.udpAnnounceUrl]]);
    const terminal = captureTerminal();
    const error = await failure(runPeers(unknown.file, { timeout: 5 }, terminal));
    expect(error.exitCode).toBe(EXIT_FAILURE);
    expect(terminal.lines).toContain('  refused: Requested download is not authorized for use with this tracker.');
    expect(terminal.lines).toContain('  refused: the tracker sent an empty reply: it does not track this torrent');
  });
});
