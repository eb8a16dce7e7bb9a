// The progress line in a real terminal of 80 columns (tmux, detached, fixed size), through the built
// binary: a download from a throttled seed shows whole figures beside a shortened name, then reads
// `seeding` with "1 peer", and after the terminal narrows to 60 columns the line is redrawn to fit.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { deterministicBytes, isCI, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { CLI, cli, jsonLines, requireBuiltCli, waitFor, type Running } from '../testing/cli-process.js';

const haveTmux = spawnSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' }).status === 0;
if (!haveTmux) {
  const message = 'tmux is not installed (Debian package tmux; .ci/run installs it): the real-terminal progress test cannot run';
  if (isCI()) throw new Error(message);
  console.warn(`skipping: ${message}`);
}

const NAME = 'a-rather-long-file-name-to-show-that-the-name-is-what-gets-shortened.bin';
const socket = `typetorrent-test-${process.pid}`;
let work = '';
let seed: Running | undefined;

function tmux(...args: string[]): string {
  const run = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** The screen as tmux shows it, one string per row, trailing blanks trimmed. */
function screen(): string[] {
  return tmux('capture-pane', '-p', '-t', 'main').split('\n').map((l) => l.trimEnd());
}

/** Columns a row takes: every character here (ASCII, arrows, '…') is one column wide. */
function width(row: string): number {
  return [...row].length;
}

(haveTmux ? describe : describe.skip)('progress in an 80-column terminal', () => {
  beforeAll(async () => {
    requireBuiltCli();
    work = await makeTempDir('typetorrent-cli-tty-');
  });

  afterAll(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    seed?.interrupt();
    await seed;
    await removeTempDir(work);
  });

  test('the line fits, figures whole, state reads seeding when done, and a resize redraws it', async () => {
    const content = path.join(work, 'share', NAME);
    fs.mkdirSync(path.dirname(content), { recursive: true });
    fs.writeFileSync(content, deterministicBytes(1536 * 1024, 7));
    const { torrent } = await createTorrentFromPath(content, { pieceLength: 32768 });
    const torrentPath = path.join(work, 'long.torrent');
    fs.writeFileSync(torrentPath, torrent);
    // Throttled, so the download lasts long enough to be seen.
    seed = cli(['seed', torrentPath, content, '--port', '0', '--no-announce', '--limit-up', '384K', '--json'], { timeoutMs: 120_000 });
    const lines = await waitFor(() => jsonLines(seed!.stdoutSoFar()), (l) => l.some((x) => x.type === 'seeding'), 'the seed ready');
    const port = String(lines.find((l) => l.type === 'listening')?.['port']);

    const download = [process.execPath, CLI, 'download', torrentPath, '-o', path.join(work, 'out'), '--port', '0', '--no-announce', '--peer', `127.0.0.1:${port}`, '--seed'];
    tmux('new-session', '-d', '-s', 'main', '-x', '80', '-y', '12', download.map((a) => `'${a}'`).join(' '));

    const downloading = await waitFor(screen, (rows) => rows.some((r) => / downloading /.test(r) && /ETA \d/.test(r)), 'a downloading line with an ETA');
    const line = downloading.find((r) => / downloading /.test(r))!;
    expect(width(line)).toBeLessThan(80);
    // The name gets what the figures leave (their widths vary with the speed), cut with an ellipsis.
    expect(line).toMatch(/^\S+… (\[[#-]+\] )?\d+\.\d% downloading /);
    expect(shownName(line)).toBe(true);
    expect(line).toMatch(/ ↓\d+(\.\d+)? [KM]iB\/s ↑\d+(\.\d+)? (B|KiB)\/s 1 peer ETA \d/);

    const seeding = await waitFor(screen, (rows) => rows.some((r) => / seeding /.test(r)), 'the seeding line');
    expect(width(seeding.find((r) => / seeding /.test(r))!)).toBeLessThan(80);
    expect(shownName(seeding.find((r) => / seeding /.test(r))!)).toBe(true);
    expect(seeding.find((r) => / seeding /.test(r))).toMatch(/^\S+… (\[#+\] )?seeding 1\.5 MiB ↑\d+(\.\d+)? (B|KiB)\/s uploaded 0 B \d+ peers? ratio 0\.00$/);

    tmux('resize-window', '-t', 'main', '-x', '60');
    const narrow = await waitFor(screen, (rows) => rows.some((r) => / seeding /.test(r) && width(r) < 60 && / peers?( |$)/.test(r)), 'the line redrawn for 60 columns');
    expect(narrow.find((r) => / seeding /.test(r) && width(r) < 60)).toMatch(/^a-rather-long.*… seeding .* peers?/);
    // What was drawn for 80 columns is gone, not left behind half-reflowed.
    expect(narrow.filter((r) => / seeding /.test(r))).toHaveLength(1);
  }, 120_000);
});

/** Whether a progress line starts with a prefix of NAME (at least 8 characters) cut by an ellipsis. */
function shownName(line: string): boolean {
  const cut = line.indexOf('… ');
  return cut >= 8 && NAME.startsWith(line.slice(0, cut));
}
