// Interop with libtorrent (python3-libtorrent), an independent implementation of the same layout
// rules: libtorrent makes the torrent from a source folder (with and without BEP 47 pad files), this
// package downloads it block by block into a fresh folder, and libtorrent then checks that folder.
// If our files, offsets or padding were wrong anywhere, libtorrent would not find every piece.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseTorrent, type Metainfo } from '@typetorrent/metainfo';
import { deterministicBytes, describeWithTools, makeTempDir, removeTempDir, runPython } from '@typetorrent/testkit';
import { FileStorage } from './file-storage.js';
import { PieceStore } from './piece-store.js';
import { ResumeFile } from './resume-file.js';
import { shuffled } from './test-fixtures.js';

const CREATE = `
import sys, libtorrent as lt
source_parent, name, piece_length, flags, out = sys.argv[1:6]
fs = lt.file_storage()
lt.add_files(fs, source_parent + '/' + name)
ct = lt.create_torrent(fs, int(piece_length), int(flags))
lt.set_piece_hashes(ct, source_parent)
open(out, 'wb').write(lt.bencode(ct.generate()))
`;

const CHECK = `
import sys, time, json, libtorrent as lt
torrent, save_path = sys.argv[1:3]
ses = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                  'enable_upnp': False, 'enable_natpmp': False})
h = ses.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
checking = (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
deadline = time.time() + 30
while time.time() < deadline:
    s = h.status()
    if s.has_metadata and s.state not in checking and s.state != lt.torrent_status.downloading_metadata:
        break
    time.sleep(0.05)
s = h.status()
print(json.dumps({'have': s.num_pieces, 'state': str(s.state)}))
`;

const sizes: [string[], number][] = [
  [['a.bin'], 1],
  [['empty', 'zero.bin'], 0],
  [['deep', 'er', 'b.bin'], 16383],
  [['deep', 'c.bin'], 16385],
  [['d.bin'], 100000],
];

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-libtorrent-');
  for (const [index, [parts, size]] of sizes.entries()) {
    await fs.mkdir(path.join(temp, 'source', 'odd', ...parts.slice(0, -1)), { recursive: true });
    await fs.writeFile(path.join(temp, 'source', 'odd', ...parts), deterministicBytes(size, 40 + index));
  }
});
afterAll(async () => {
  await removeTempDir(temp);
});

/** The torrent's data in order, from the source folder; pad files are zeros. */
async function contentOf(metainfo: Metainfo): Promise<Buffer> {
  const parts = await Promise.all(
    metainfo.files.map((file) => (file.padding ? Buffer.alloc(file.length) : fs.readFile(path.join(temp, 'source', 'odd', ...file.path)))),
  );
  return Buffer.concat(parts);
}

describeWithTools(['python3-libtorrent'], 'libtorrent checks what this package wrote', () => {
  // create_torrent flags: v1_only = 64, canonical_files = 128 (pads every file to a piece boundary).
  test.each([
    ['straddling pieces (no pad files)', 64],
    ['BEP 47 pad files', 64 | 128],
  ])('%s', async (label, flags) => {
    const torrentPath = path.join(temp, `odd-${flags}.torrent`);
    const created = await runPython(CREATE, [path.join(temp, 'source'), 'odd', '32768', String(flags), torrentPath]);
    expect(created.stderr).toBe('');
    const metainfo = parseTorrent(new Uint8Array(await fs.readFile(torrentPath)));
    expect(metainfo.files.some((file) => file.padding)).toBe(label.startsWith('BEP 47'));
    const content = await contentOf(metainfo);

    const target = path.join(temp, `download-${flags}`);
    const store = await PieceStore.open(metainfo, {
      storage: await FileStorage.open(metainfo, target),
      resume: new ResumeFile(target, metainfo.infoHashHex),
      resumeIntervalMs: 0,
    });
    for (const piece of shuffled([...Array(metainfo.pieceCount).keys()], flags)) {
      const start = piece * metainfo.pieceLength;
      for (let begin = 0; begin < metainfo.geometry.pieceSize(piece); begin += 16384) {
        const length = Math.min(16384, metainfo.geometry.pieceSize(piece) - begin);
        const result = await store.addBlock(piece, begin, content.subarray(start + begin, start + begin + length), 'lt');
        expect(result.kind).not.toBe('hash-failed');
      }
    }
    expect(store.complete).toBe(true);
    await store.close();
    await expect(fs.stat(path.join(target, 'odd', '.pad'))).rejects.toMatchObject({ code: 'ENOENT' });

    const checked = await runPython(CHECK, [torrentPath, target]);
    expect(checked.stderr).toBe('');
    expect(JSON.parse(checked.stdout)).toMatchObject({ have: metainfo.pieceCount });
  });
});
