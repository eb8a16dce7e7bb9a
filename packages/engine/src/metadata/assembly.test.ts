import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MetadataAssembly } from './assembly.js';

const info = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 7) & 0xff);
const infoHash = new Uint8Array(createHash('sha1').update(info).digest());
const piece = (n: number): Uint8Array => info.subarray(n * 16384, Math.min(info.length, (n + 1) * 16384));

describe('MetadataAssembly', () => {
  it('hands out each piece once, and again to another peer after the timeout', () => {
    const assembly = new MetadataAssembly(info.length);
    expect(assembly.pieceCount).toBe(3);
    expect([assembly.next('a', 0, 1000), assembly.next('a', 0, 1000), assembly.next('a', 0, 1000), assembly.next('a', 0, 1000)]).toEqual([0, 1, 2, undefined]);
    expect(assembly.next('b', 999, 1000)).toBeUndefined();
    expect(assembly.next('b', 1000, 1000)).toBe(0);
    expect(assembly.askedOf('a')).toBe(2);
  });

  it('assembles the dict and verifies it against the info-hash', () => {
    const assembly = new MetadataAssembly(info.length);
    expect(assembly.received(2, piece(2), 'a')).toBe('stored');
    expect(assembly.received(0, piece(0), 'b')).toBe('stored');
    expect(assembly.received(1, new Uint8Array(5), 'b')).toBe('unexpected');
    expect(assembly.received(1, piece(1), 'a')).toBe('complete');
    const result = assembly.verify(infoHash);
    expect(result.ok && Buffer.compare(Buffer.from(result.bytes), Buffer.from(info))).toBe(0);
  });

  it('drops everything and names the senders when the hash does not match', () => {
    const assembly = new MetadataAssembly(info.length);
    assembly.received(0, piece(0), 'a');
    assembly.received(1, new Uint8Array(16384), 'liar');
    assembly.received(2, piece(2), 'a');
    expect(assembly.verify(infoHash)).toEqual({ ok: false, senders: ['a', 'liar'] });
    expect(assembly.complete).toBe(false);
    expect(assembly.next('a', 0, 1000)).toBe(0);
  });

  it('never asks a peer again for a piece it refused, and frees what a departed peer held', () => {
    const assembly = new MetadataAssembly(info.length);
    expect(assembly.next('a', 0, 1000)).toBe(0);
    assembly.rejected(0, 'a');
    expect(assembly.next('a', 0, 1000)).toBe(1);
    assembly.peerGone('a');
    expect(assembly.next('b', 0, 1000)).toBe(0);
  });

  it('refuses sizes past its cap', () => {
    expect(() => new MetadataAssembly(0)).toThrow(RangeError);
    expect(() => new MetadataAssembly(64 * 1024 * 1024)).toThrow(RangeError);
  });
});
