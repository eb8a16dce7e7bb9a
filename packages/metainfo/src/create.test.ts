import { describe, expect, test } from '@jest/globals';
import { decode, isBytes, isDict } from '@typetorrent/bencode';
import { deterministicBytes } from '@typetorrent/testkit';
import { sha1 } from '../test/fixtures.js';
import { createTorrent } from './create.js';
import type { CreateFileSource } from './create.js';
import { parseTorrent } from './parse.js';

/** A source file over bytes in memory, yielded in chunks of `chunk` bytes. */
function memoryFile(path: string[], data: Uint8Array, chunk = 1000): CreateFileSource {
  return {
    path,
    length: data.length,
    async *read() {
      for (let at = 0; at < data.length; at += chunk) yield data.subarray(at, at + chunk);
    },
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const a = deterministicBytes(30000, 1);
const b = deterministicBytes(5, 2);
const c = deterministicBytes(17000, 3);

describe('createTorrent', () => {
  test('a folder: files sorted by path bytes, pieces hashed over the concatenation', async () => {
    const { torrent, metainfo } = await createTorrent(
      { kind: 'folder', name: 'data', files: [memoryFile(['z', 'c'], c), memoryFile(['b'], b), memoryFile(['C'], b.subarray(0, 0)), memoryFile(['a'], a)] },
      { pieceLength: 16384 },
    );
    // Byte order: 'C' (0x43) < 'a' (0x61) < 'b' < 'z'; the empty file is kept.
    expect(metainfo.files.map((f) => f.path)).toEqual([['C'], ['a'], ['b'], ['z', 'c']]);
    const all = concat([a, b, c]);
    const hashes = [0, 1, 2].map((p) => sha1(all.subarray(p * 16384, (p + 1) * 16384)));
    expect(metainfo.pieces).toEqual(concat(hashes));
    expect(parseTorrent(torrent).infoHash).toEqual(metainfo.infoHash);
  });

  test('a single file uses `length` and the name as its path', async () => {
    const { metainfo, torrent } = await createTorrent({ kind: 'file', name: 'a.bin', length: a.length, read: memoryFile([], a).read });
    expect(metainfo.isMultiFile).toBe(false);
    expect(metainfo.files).toEqual([{ path: ['a.bin'], length: 30000, offset: 0, padding: false }]);
    const root = decode(torrent);
    const info = isDict(root) ? root.get('info') : undefined;
    expect(isDict(info) && [...info.keys()]).toEqual(['length', 'name', 'piece length', 'pieces']);
  });

  test('the same input always gives the same bytes, and no creation date unless asked', async () => {
    const make = () => createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], a, 777), memoryFile(['y'], c, 4096)] });
    const first = await make();
    const second = await make();
    expect(second.torrent).toEqual(first.torrent);
    expect(first.metainfo.creationDate).toBeUndefined();
    const dated = await createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], a)] }, { creationDate: new Date(1700000000500) });
    expect(dated.metainfo.creationDate?.getTime()).toBe(1700000000000);
  });

  test('writes trackers in tiers, web seeds, private, comment and created by', async () => {
    const { metainfo, torrent } = await createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], b)] }, {
      trackers: [['http://a/announce', 'http://b/announce'], [], ['udp://c:6969']],
      webSeeds: ['http://seed/'],
      private: true,
      comment: 'hi',
      createdBy: 'typetorrent test',
    });
    expect(metainfo.announce).toEqual([['http://a/announce', 'http://b/announce'], ['udp://c:6969']]);
    expect(metainfo.urlList).toEqual(['http://seed/']);
    expect(metainfo.private).toBe(true);
    expect(metainfo.comment).toBe('hi');
    expect(metainfo.createdBy).toBe('typetorrent test');
    const root = decode(torrent);
    const announce = isDict(root) ? root.get('announce') : undefined;
    expect(isBytes(announce) && new TextDecoder().decode(announce)).toBe('http://a/announce');
  });

  test('one tracker gives `announce` only (BEP 12 announce-list is for several)', async () => {
    const { torrent } = await createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], b)] }, { trackers: [['http://a/']] });
    const root = decode(torrent);
    expect(isDict(root) && [...root.keys()]).toEqual(['announce', 'info']);
  });

  test('chooses a power-of-two piece length from the total size', async () => {
    const { metainfo } = await createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], a)] });
    expect(metainfo.pieceLength).toBe(16384);
  });

  test('reports progress up to the total', async () => {
    const seen: [number, number][] = [];
    await createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], a, 10000), memoryFile(['y'], b)] }, {
      onProgress: (hashed, total) => seen.push([hashed, total]),
    });
    expect(seen).toEqual([[10000, 30005], [20000, 30005], [30000, 30005], [30005, 30005]]);
  });

  test('stops when aborted', async () => {
    const controller = new AbortController();
    const error = await createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], a, 1000)] }, {
      signal: controller.signal,
      onProgress: (hashed) => {
        if (hashed >= 5000) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  test('a file that yields more or fewer bytes than its length is an error', async () => {
    const lying = (length: number): CreateFileSource => ({ path: ['x'], length, read: memoryFile([], b).read });
    await expect(createTorrent({ kind: 'folder', name: 'd', files: [lying(4)] })).rejects.toMatchObject({ code: 'BAD_SOURCE', field: 'files[0]' });
    await expect(createTorrent({ kind: 'folder', name: 'd', files: [lying(4)] })).rejects.toThrow(/grew while it was read/);
    await expect(createTorrent({ kind: 'folder', name: 'd', files: [lying(9)] })).rejects.toThrow(/shrank while it was read/);
  });

  test('refuses unsafe or clashing paths, empty sources and odd piece lengths before hashing', async () => {
    const cases: [Promise<unknown>, string, string][] = [
      [createTorrent({ kind: 'folder', name: '..', files: [memoryFile(['x'], b)] }), 'UNSAFE_PATH', 'name'],
      [createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['ok'], b), memoryFile(['a', '..'], b)] }), 'UNSAFE_PATH', 'files[1].path[1]'],
      [createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], b), memoryFile(['X'], b)] }), 'DUPLICATE_PATH', 'files[0].path'],
      [createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x', 'y'], b), memoryFile(['x'], b)] }), 'PATH_CONFLICT', 'files[0].path'],
      [createTorrent({ kind: 'folder', name: 'd', files: [] }), 'BAD_SOURCE', 'files'],
      [createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], new Uint8Array())] }), 'BAD_SOURCE', 'files'],
      [createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], b)] }, { pieceLength: 20000 }), 'BAD_OPTION', 'pieceLength'],
      [createTorrent({ kind: 'folder', name: 'd', files: [memoryFile(['x'], b)] }, { pieceLength: 8192 }), 'BAD_OPTION', 'pieceLength'],
    ];
    for (const [promise, code, field] of cases) await expect(promise).rejects.toMatchObject({ code, field });
  });
});
