// Builders for well-formed torrents in tests. Hashes here are computed independently of the code under
// test (node:crypto directly), so a wrong info-hash in the parser cannot agree with them by accident.
import { createHash } from 'node:crypto';
import { encode } from '@typetorrent/bencode';
import type { BencodeInput } from '@typetorrent/bencode';

export type Dict = { readonly [key: string]: BencodeInput | undefined };

/** `n` fake 20-byte piece hashes. */
export function fakePieces(n: number): Uint8Array {
  return new Uint8Array(20 * n).map((_, i) => i % 251);
}

/** A single-file info dict: 40000 bytes in 3 pieces of 16 KiB. */
export function singleInfo(overrides: Dict = {}): Dict {
  return { name: 'file.bin', 'piece length': 16384, pieces: fakePieces(3), length: 40000, ...overrides };
}

/** A multi-file info dict over the given files, with the right number of fake pieces. */
export function multiInfo(files: readonly (Dict & { readonly length: number })[], overrides: Dict = {}): Dict {
  const total = files.reduce((sum, f) => sum + f.length, 0);
  return { name: 'folder', 'piece length': 16384, pieces: fakePieces(Math.ceil(total / 16384)), files, ...overrides };
}

export function torrentBytes(info: Dict, root: Dict = {}): Uint8Array {
  return encode({ announce: 'http://tracker.example/announce', ...root, info });
}

export function sha1(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(bytes).digest());
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** What `run` throws (undefined if it returns), for matching an error's code and field. */
export function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
