import { describe, expect, it } from '@jest/globals';
import { MAX_ACK_SACK_BYTES, ReceiveBuffer } from './receive-buffer.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const flat = (chunks: Uint8Array[]): number[] => chunks.flatMap((c) => Array.from(c));

describe('ReceiveBuffer', () => {
  it('delivers in order across the 16-bit wrap and holds packets after a gap', () => {
    const r = new ReceiveBuffer(0xfffe, 1000, 100);
    expect(r.receive(0, bytes(3), false)).toBe('accepted'); // ahead of 0xffff
    expect(r.readable).toBe(0);
    expect(r.receive(0xffff, bytes(2), false)).toBe('accepted');
    expect(r.ackNr).toBe(0);
    expect(flat(r.read())).toEqual([2, 3]);
  });

  it('reports duplicates (to re-ack) and drops what is too far ahead or past the window', () => {
    const r = new ReceiveBuffer(10, 4, 5);
    expect(r.receive(10, bytes(1), false)).toBe('duplicate');
    expect(r.receive(16, bytes(1), false)).toBe('dropped');
    expect(r.receive(12, bytes(1, 2, 3), false)).toBe('accepted');
    expect(r.receive(12, bytes(1, 2, 3), false)).toBe('duplicate');
    expect(r.window).toBe(1);
    expect(r.receive(11, bytes(1, 2), false)).toBe('dropped');
  });

  it('builds the SACK mask: bit i for ackNr + 2 + i, in whole 32-bit words', () => {
    const r = new ReceiveBuffer(100, 10_000, 1000);
    r.receive(102, bytes(1), false);
    r.receive(111, bytes(1), false);
    expect(Array.from(r.sackMask() ?? [])).toEqual([0b0000_0001, 0b0000_0010, 0, 0]);
    r.receive(140, bytes(1), false);
    expect(r.sackMask()?.length).toBe(8);
  });

  it('sizes the mask to what it holds past the gap: up to 256 packets on data, 2016 on a pure ack', () => {
    const r = new ReceiveBuffer(100, 10_000_000, 4096);
    r.receive(102 + 300, bytes(1), false);
    expect(r.sackMask()?.length).toBe(32); // a data packet's: 1400 + 20 + 34 bytes fit libtorrent's 1500-byte buffer
    const wide = r.sackMask(MAX_ACK_SACK_BYTES);
    expect(wide?.length).toBe(40); // whole 32-bit words up to bit 300
    expect(wide?.[300 >> 3]).toBe(1 << (300 & 7));
    r.receive(102 + 3000, bytes(1), false);
    expect(r.sackMask(MAX_ACK_SACK_BYTES)?.length).toBe(252);
  });

  it('reaches end of stream only when everything before the FIN arrived, and drops data after it', () => {
    const r = new ReceiveBuffer(0, 1000, 100);
    expect(r.receive(3, new Uint8Array(0), true)).toBe('accepted');
    expect(r.receive(4, bytes(9), false)).toBe('dropped');
    r.receive(2, bytes(2), false);
    expect(r.eofReached).toBe(false);
    r.receive(1, bytes(1), false);
    expect(r.eofReached).toBe(true);
    expect(flat(r.read())).toEqual([1, 2]);
  });
});
