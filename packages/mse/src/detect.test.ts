import { describe, expect, it } from '@jest/globals';
import { looksLikePlaintextHandshake } from './detect.js';

const protocol = Uint8Array.from([19, ...new TextEncoder().encode('BitTorrent protocol')]);

describe('looksLikePlaintextHandshake', () => {
  it('says plaintext once the 20-byte protocol string is complete', () => {
    expect(looksLikePlaintextHandshake(Uint8Array.from([...protocol, 0, 0]))).toBe('plaintext');
  });

  it('waits while the bytes so far are a prefix of it', () => {
    expect(looksLikePlaintextHandshake(new Uint8Array(0))).toBe('undecided');
    expect(looksLikePlaintextHandshake(protocol.subarray(0, 5))).toBe('undecided');
  });

  it('says mse as soon as one byte differs', () => {
    expect(looksLikePlaintextHandshake(Uint8Array.of(0x8f))).toBe('mse');
    expect(looksLikePlaintextHandshake(Uint8Array.from([...protocol.subarray(0, 10), 0]))).toBe('mse');
  });
});
