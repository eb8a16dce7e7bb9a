import { describe, expect, it } from '@jest/globals';
import type { CryptoMethod } from './handshake.js';
import { InfoHashIndex } from './info-hash-index.js';
import { MseInitiator } from './initiator.js';
import { seededRandom } from './random.js';
import { MseResponder } from './responder.js';
import { pump } from './testing/pump.js';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
const otherTorrents = Array.from({ length: 50 }, (_, t) => Uint8Array.from({ length: 20 }, (_, i) => (t * 20 + i + 100) & 0xff));
const index = new InfoHashIndex([...otherTorrents, infoHash]);
// A BitTorrent handshake as IA: 68 bytes starting "\x13BitTorrent protocol".
const btHandshake = Uint8Array.from([19, ...new TextEncoder().encode('BitTorrent protocol'), ...new Uint8Array(8), ...infoHash, ...new Uint8Array(20).fill(0x2d)]);
const reply = new TextEncoder().encode('the responder speaks first after the handshake');

interface PairOptions {
  provide?: CryptoMethod[];
  allow?: CryptoMethod[];
  seed?: number;
  ia?: Uint8Array;
}

function pair(options: PairOptions = {}): { initiator: MseInitiator; responder: MseResponder } {
  const seed = options.seed ?? 1;
  return {
    initiator: new MseInitiator({ infoHash, provide: options.provide, initialPayload: options.ia ?? btHandshake, random: seededRandom(seed), now: 0 }),
    responder: new MseResponder({ findInfoHash: index.find, allow: options.allow, random: seededRandom(seed + 1000), now: 0 }),
  };
}

describe('MSE handshake, initiator against responder', () => {
  it('agrees on RC4 when both offer it, hands the IA to the responder and carries payload both ways', () => {
    const { initiator, responder } = pair();
    const run = pump(initiator, responder, { responderPayload: reply });
    expect(run.initiator.method).toBe('rc4');
    expect(run.responder.method).toBe('rc4');
    expect(run.responder.infoHash).toEqual(infoHash);
    expect(run.responder.received).toEqual(btHandshake);
    expect(run.initiator.received).toEqual(reply);
    const message = new TextEncoder().encode('piece data');
    const wire = run.initiator.encrypt!.update(message);
    expect(wire).not.toEqual(message);
    expect(run.responder.decrypt!.process(wire)).toEqual(message);
    expect(initiator.finished && responder.finished).toBe(true);
  });

  it('agrees on plaintext when the responder prefers it, and leaves the payload unencrypted', () => {
    const { initiator, responder } = pair({ allow: ['plaintext', 'rc4'] });
    const run = pump(initiator, responder, { responderPayload: reply });
    expect(run.initiator.method).toBe('plaintext');
    expect(run.responder.method).toBe('plaintext');
    expect(run.initiator.encrypt).toBeUndefined();
    expect(run.responder.decrypt).toBeUndefined();
    expect(run.initiator.received).toEqual(reply);
    expect(run.responderSent.subarray(run.responderSent.length - reply.length)).toEqual(reply);
  });

  it.each<[CryptoMethod[], CryptoMethod[], CryptoMethod]>([
    [['plaintext'], ['rc4', 'plaintext'], 'plaintext'],
    [['rc4'], ['plaintext', 'rc4'], 'rc4'],
    [['rc4', 'plaintext'], ['rc4'], 'rc4'],
  ])('offering %j to a responder allowing %j selects %s', (provide, allow, method) => {
    const { initiator, responder } = pair({ provide, allow });
    expect(pump(initiator, responder).initiator.method).toBe(method);
  });

  it('works with an empty IA', () => {
    const { initiator, responder } = pair({ ia: new Uint8Array(0) });
    expect(pump(initiator, responder).responder.received).toEqual(new Uint8Array(0));
  });

  it('completes with the same result when the initiator stream is cut at every byte boundary', () => {
    const whole = pump(pair().initiator, pair().responder);
    for (let cut = 1; cut < whole.initiatorSent.length; cut++) {
      const { initiator, responder } = pair();
      const run = pump(initiator, responder, { cutsToResponder: (p) => p === cut });
      expect(run.initiatorSent).toEqual(whole.initiatorSent);
      expect(run.responder.received).toEqual(btHandshake);
    }
  });

  it('completes with the same result when the responder stream is cut at every byte boundary', () => {
    const whole = pump(pair().initiator, pair().responder, { responderPayload: reply });
    for (let cut = 1; cut < whole.responderSent.length; cut++) {
      const { initiator, responder } = pair();
      const run = pump(initiator, responder, { cutsToInitiator: (p) => p === cut, responderPayload: reply });
      expect(run.responderSent).toEqual(whole.responderSent);
      // Payload that arrived with message 4 is decrypted in `received`; the rest is still on the wire.
      const later = run.unreadByInitiator.map((chunk) => run.initiator.decrypt!.update(chunk));
      expect(Buffer.concat([run.initiator.received, ...later])).toEqual(Buffer.from(reply));
    }
  });

  it('completes when both directions arrive one byte at a time', () => {
    const { initiator, responder } = pair({ seed: 5 });
    const run = pump(initiator, responder, { cutsToResponder: () => true, cutsToInitiator: () => true });
    expect(run.responder.received).toEqual(btHandshake);
  });

  it('completes with random cuts in both directions (40 seeds)', () => {
    for (let seed = 200; seed < 240; seed++) {
      const cuts = seededRandom(seed * 7);
      const cut = (): boolean => (cuts(1)[0] ?? 0) < 80; // about one position in three
      const { initiator, responder } = pair({ seed });
      const run = pump(initiator, responder, { cutsToResponder: cut, cutsToInitiator: cut, responderPayload: reply });
      expect(run.responder.received).toEqual(btHandshake);
      const later = run.unreadByInitiator.map((chunk) => run.initiator.decrypt!.update(chunk));
      expect(Buffer.concat([run.initiator.received, ...later])).toEqual(Buffer.from(reply));
    }
  });

  it('completes for many random paddings (seeds), each with a fresh key pair from the shared group', () => {
    const keys = new Set<string>();
    for (let seed = 10; seed < 60; seed++) {
      const { initiator, responder } = pair({ seed });
      const run = pump(initiator, responder);
      expect(run.responder.received).toEqual(btHandshake);
      keys.add(Buffer.from(run.initiatorSent.subarray(0, 96)).toString('hex'));
    }
    expect(keys.size).toBe(50);
  });

  it('keeps padding within 512 bytes: message 1 is 96..608 bytes', () => {
    for (let seed = 100; seed < 140; seed++) {
      const greeting = new MseInitiator({ infoHash, random: seededRandom(seed), now: 0 }).start();
      expect(greeting.length).toBeGreaterThanOrEqual(96);
      expect(greeting.length).toBeLessThanOrEqual(608);
    }
  });
});
