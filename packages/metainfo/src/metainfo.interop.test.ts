// Checked against independent software: torrents made by mktorrent and libtorrent (v1 and hybrid,
// single and multi-file, odd sizes, a zero-length file) parse with the info-hash libtorrent computes,
// and torrents we create load in libtorrent with the same info-hash, files, sizes and piece hashes,
// and pass libtorrent's own check of the data on disk.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { deterministicBytes, describeWithTools, makeTempDir, removeTempDir, runPython } from '@typetorrent/testkit';
import { toHex } from './hex.js';
import type { Metainfo } from './metainfo.js';
import { createTorrentFromPath, readTorrentFile } from './node.js';

/** What libtorrent says about a .torrent (and, when asked, whether the data on disk checks out). */
interface LibtorrentView {
  readonly name: string;
  readonly v1: string;
  readonly v2: string | null;
  readonly files: { path: string; size: number; pad: boolean }[];
  readonly pieceLength: number;
  readonly hashes: string[];
  readonly trackers: [string, number][];
  readonly webSeeds: string[];
  readonly private: boolean;
  readonly seeding: boolean | null;
}

// argv: pairs of (torrent path, save path or '-'). Creation requests come first as
// 'create:<flags v1|hybrid>:<source>:<out>'.
const PYTHON = `
import json, os, sys, time
import libtorrent as lt

def create(kind, source, out):
    fs = lt.file_storage()
    lt.add_files(fs, source)
    flags = lt.create_torrent.v1_only if kind == 'v1' else 0
    ct = lt.create_torrent(fs, 16384, flags)
    ct.add_tracker('http://127.0.0.1:9/announce', 0)
    ct.add_tracker('udp://127.0.0.1:9', 1)
    lt.set_piece_hashes(ct, os.path.dirname(source))
    with open(out, 'wb') as f:
        f.write(lt.bencode(ct.generate()))

def seeding(ses, ti, save_path):
    h = ses.add_torrent({'ti': ti, 'save_path': save_path})
    deadline = time.time() + 20
    while time.time() < deadline:
        s = h.status()
        if s.is_seeding:
            return True
        # The check is over and pieces are missing: the hashes do not match the data.
        if s.state == lt.torrent_status.downloading:
            return False
        time.sleep(0.05)
    return False

def describe(path, save_path, ses):
    ti = lt.torrent_info(path)
    fs = ti.files()
    ih = ti.info_hashes()
    return {
        'name': ti.name(),
        'v1': str(ih.v1),
        'v2': str(ih.v2) if ih.has_v2() else None,
        'files': [{'path': fs.file_path(i), 'size': fs.file_size(i), 'pad': bool(fs.file_flags(i) & lt.file_storage.flag_pad_file)} for i in range(fs.num_files())],
        'pieceLength': ti.piece_length(),
        'hashes': [bytes(ti.hash_for_piece(i)).hex() for i in range(ti.num_pieces())],
        'trackers': [[t.url, t.tier] for t in ti.trackers()],
        'webSeeds': [w['url'] for w in ti.web_seeds()],
        'private': ti.priv(),
        'seeding': seeding(ses, ti, save_path) if save_path != '-' else None,
    }

args = sys.argv[1:]
while args and args[0].startswith('create:'):
    _, kind, source, out = args.pop(0).split(':', 3)
    create(kind, source, out)
ses = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                  'enable_upnp': False, 'enable_natpmp': False, 'alert_mask': 0})
print(json.dumps({args[i]: describe(args[i], args[i + 1], ses) for i in range(0, len(args), 2)}))
`;

describeWithTools(['mktorrent', 'python3-libtorrent'], 'metainfo against mktorrent and libtorrent', () => {
  let dir: string;
  let data: string;
  const views = new Map<string, LibtorrentView>();
  const ours = new Map<string, Metainfo>();
  const theirs = new Map<string, Metainfo>();
  const torrent = (name: string): string => path.join(dir, `${name}.torrent`);

  beforeAll(async () => {
    dir = await makeTempDir('metainfo-interop-');
    data = path.join(dir, 'data');
    const multi = path.join(data, 'multi');
    await fs.mkdir(path.join(multi, 'sub'), { recursive: true });
    await fs.mkdir(path.join(multi, 'z'), { recursive: true });
    await fs.writeFile(path.join(data, 'single.bin'), deterministicBytes(100_003, 1));
    await fs.writeFile(path.join(multi, 'a.bin'), deterministicBytes(40_000, 2));
    await fs.writeFile(path.join(multi, 'sub', 'b.txt'), 'hello');
    await fs.writeFile(path.join(multi, 'sub', 'empty'), '');
    await fs.writeFile(path.join(multi, 'z', 'c.dat'), deterministicBytes(70_001, 3));
    await fs.writeFile(path.join(multi, 'caf\u00e9 name.txt'), deterministicBytes(123, 4));

    // mktorrent: 2^15-byte pieces, no date, one with every optional field.
    const mk = (args: string[]): void => {
      const result = spawnSync('mktorrent', ['-t', '1', '-d', '-l', '15', ...args], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`mktorrent failed: ${result.stderr}`);
    };
    mk(['-a', 'http://127.0.0.1:9/announce', '-o', torrent('mk-single'), path.join(data, 'single.bin')]);
    mk(['-a', 'http://127.0.0.1:9/a,http://127.0.0.1:9/b', '-a', 'udp://127.0.0.1:9', '-p', '-c', 'made by mktorrent',
      '-w', 'http://127.0.0.1:9/seed/', '-o', torrent('mk-multi'), multi]);

    // Ours, written to disk for libtorrent to load and check against the data.
    const options = { trackers: [['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'], ['udp://127.0.0.1:9']], webSeeds: ['http://127.0.0.1:9/ws/'] };
    for (const [name, source, extra] of [
      ['tt-single', path.join(data, 'single.bin'), {}],
      ['tt-multi', multi, { private: true, comment: 'ours' }],
    ] as const) {
      const created = await createTorrentFromPath(source, { ...options, ...extra, pieceLength: 16384 });
      await fs.writeFile(torrent(name), created.torrent);
      ours.set(name, created.metainfo);
    }

    const creations = [
      ['v1', 'single.bin', 'lt-v1-single'], ['v1', 'multi', 'lt-v1-multi'],
      ['hybrid', 'single.bin', 'lt-hybrid-single'], ['hybrid', 'multi', 'lt-hybrid-multi'],
    ].map(([kind, source, out]) => `create:${kind}:${path.join(data, source!)}:${torrent(out!)}`);
    const names = ['mk-single', 'mk-multi', 'lt-v1-single', 'lt-v1-multi', 'lt-hybrid-single', 'lt-hybrid-multi', 'tt-single', 'tt-multi'];
    const args = names.flatMap((name) => [torrent(name), name.startsWith('tt-') ? data : '-']);
    const result = await runPython(PYTHON, [...creations, ...args], 45_000);
    if (result.code !== 0) throw new Error(`libtorrent script failed: ${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as Record<string, LibtorrentView>;
    for (const name of names) {
      views.set(name, parsed[torrent(name)]!);
      if (!name.startsWith('tt-')) theirs.set(name, await readTorrentFile(torrent(name)));
    }
  }, 60_000);

  afterAll(async () => {
    await removeTempDir(dir);
  });

  /** libtorrent shuffles URLs within a tier (as BEP 12 asks), so compare tiers as sets. */
  function trackerSet(trackers: readonly [string, number][]): string[] {
    return trackers.map(([url, tier]) => `${tier} ${url}`).sort();
  }

  /** Our view in libtorrent's terms: multi-file paths include the torrent name. */
  function asLibtorrent(meta: Metainfo): Pick<LibtorrentView, 'name' | 'v1' | 'files' | 'pieceLength' | 'hashes'> {
    return {
      name: meta.name,
      v1: meta.infoHashHex,
      files: meta.files.map((f) => ({ path: (meta.isMultiFile ? [meta.name, ...f.path] : f.path).join('/'), size: f.length, pad: f.padding })),
      pieceLength: meta.pieceLength,
      hashes: Array.from({ length: meta.pieceCount }, (_, i) => toHex(meta.pieceHash(i))),
    };
  }

  test.each(['mk-single', 'mk-multi', 'lt-v1-single', 'lt-v1-multi', 'lt-hybrid-single', 'lt-hybrid-multi'])(
    '%s parses with the info-hash, files and piece hashes libtorrent reports',
    (name) => {
      const view = views.get(name)!;
      const meta = theirs.get(name)!;
      const { name: n, v1, files, pieceLength, hashes } = view;
      expect(asLibtorrent(meta)).toEqual({ name: n, v1, files, pieceLength, hashes });
      expect(meta.private).toBe(view.private);
      expect(meta.urlList).toEqual(view.webSeeds);
      expect(trackerSet(meta.announce.flatMap((tier, t) => tier.map((url): [string, number] => [url, t])))).toEqual(trackerSet(view.trackers));
    },
  );

  test('hybrid torrents are recognised, with libtorrent\'s v2 info-hash', () => {
    for (const name of ['lt-hybrid-single', 'lt-hybrid-multi']) {
      const meta = theirs.get(name)!;
      expect(meta.version).toBe('hybrid');
      expect(toHex(meta.infoHashV2!)).toBe(views.get(name)!.v2);
    }
    expect(theirs.get('lt-v1-multi')!.version).toBe('v1');
    expect(theirs.get('lt-hybrid-multi')!.files.some((f) => f.padding)).toBe(true);
  });

  test('mktorrent\'s private flag, comment, tiers and web seed come through', () => {
    const meta = theirs.get('mk-multi')!;
    expect(meta.private).toBe(true);
    expect(meta.comment).toBe('made by mktorrent');
    expect(meta.announce).toEqual([['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'], ['udp://127.0.0.1:9']]);
    expect(meta.files.map((f) => f.length)).toContain(0);
  });

  test.each(['tt-single', 'tt-multi'])('%s loads in libtorrent with the same info-hash, files and hashes, and its data checks', (name) => {
    const view = views.get(name)!;
    const meta = ours.get(name)!;
    const { name: n, v1, files, pieceLength, hashes } = view;
    expect(asLibtorrent(meta)).toEqual({ name: n, v1, files, pieceLength, hashes });
    expect(view.private).toBe(meta.private);
    expect(trackerSet(view.trackers)).toEqual(['0 http://127.0.0.1:9/a', '0 http://127.0.0.1:9/b', '1 udp://127.0.0.1:9']);
    expect(view.webSeeds).toEqual(['http://127.0.0.1:9/ws/']);
    expect(view.seeding).toBe(true);
  });
});
