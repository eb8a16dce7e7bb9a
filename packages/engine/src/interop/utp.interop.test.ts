// uTP against python3-libtorrent with TCP off both ways (../../../utp/test/lt_utp_peer.py): a
// session downloads a multi-file torrent from a uTP-only libtorrent seeder, and a uTP-only
// libtorrent leecher downloads one from a seeding session, each compared byte for byte. The
// sessions run as the CLI runs them (uTP first, TCP allowed): libtorrent refuses TCP, so only uTP
// can carry the data.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from '@jest/globals';
import { describeWithTools, makeTempDir, removeTempDir, SYSTEM_PYTHON } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { differences, makeFixture } from '../testing/fixtures.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';

const SCRIPT = fileURLToPath(new URL('../../../utp/test/lt_utp_peer.py', import.meta.url));
const FILES = [
  { path: ['one.bin'], length: 5 * 1024 * 1024 + 4321 },
  { path: ['sub', 'two.bin'], length: 700_001 },
  { path: ['empty.bin'], length: 0 },
];

interface LtProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the first event line of that name; rejects on an error event or an early exit. */
  event(name: string): Promise<Record<string, unknown>>;
}

function startLt(args: readonly string[]): LtProcess {
  const child = spawn(SYSTEM_PYTHON, ['-u', SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  let exited: string | undefined;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
      events.push(JSON.parse(pending.slice(0, nl)) as Record<string, unknown>);
      pending = pending.slice(nl + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.once('close', (code) => {
    exited = `libtorrent exited (${code}): ${stderr}`;
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
    async event(name) {
      for (;;) {
        const found = events.find((e) => e.event === name);
        if (found !== undefined) return found;
        const error = events.find((e) => e.event === 'error');
        if (error !== undefined) throw new Error(`libtorrent: ${String(error.message)}`);
        if (exited !== undefined) throw new Error(exited);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

async function stop(lt: LtProcess): Promise<void> {
  if (lt.child.exitCode !== null || lt.child.signalCode !== null) return;
  const closed = once(lt.child, 'close');
  lt.child.stdin.end();
  lt.child.kill('SIGTERM');
  await closed;
}

describeWithTools(['python3-libtorrent'], 'uTP with a libtorrent that has TCP off', () => {
  const dirs: string[] = [];
  const sessions: Session[] = [];
  const peers: LtProcess[] = [];

  afterAll(async () => {
    await Promise.all(peers.map(stop));
    await Promise.all(sessions.map((s) => s.close()));
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  it('downloads from a uTP-only libtorrent seeder, byte for byte', async () => {
    const fixture = await makeFixture({ name: 'from-lt-utp', seed: 81, files: FILES, pieceLength: 128 * 1024 });
    dirs.push(fixture.dir);
    const torrentPath = await writeTorrentFile(fixture.dir, 'from-lt-utp', fixture.torrent);
    const seeder = startLt(['--torrent', torrentPath, '--save', fixture.dir]);
    peers.push(seeder);
    const port = Number((await seeder.event('seeding')).port);

    const target = await makeTempDir('typetorrent-lt-utp-');
    dirs.push(target);
    const session = new Session({ port: 0, host: '127.0.0.1', utp: true });
    sessions.push(session);
    const torrent = await session.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port }] });
    await torrent.whenDone();
    expect(torrent.progress().verifiedBytes).toBe(fixture.metainfo.totalLength);
    expect(await differences(fixture, target)).toEqual([]);
  }, 60_000);

  it('a uTP-only libtorrent leecher downloads from our seed, byte for byte', async () => {
    const fixture = await makeFixture({ name: 'to-lt-utp', seed: 83, files: FILES, pieceLength: 128 * 1024 });
    dirs.push(fixture.dir);
    const torrentPath = await writeTorrentFile(fixture.dir, 'to-lt-utp', fixture.torrent);
    const session = new Session({ port: 0, host: '127.0.0.1', utp: true });
    sessions.push(session);
    const seeding = await session.add(fixture.torrent, { savePath: fixture.dir });
    await seeding.whenDone();

    const target = await makeTempDir('typetorrent-lt-utp-');
    dirs.push(target);
    const leecher = startLt(['--torrent', torrentPath, '--save', target, '--leech', String(session.port)]);
    peers.push(leecher);
    await leecher.event('finished'); // libtorrent checked every piece's SHA-1
    expect(await differences(fixture, target)).toEqual([]);
    expect(seeding.progress().uploaded).toBeGreaterThanOrEqual(fixture.metainfo.totalLength);
  }, 60_000);
});
