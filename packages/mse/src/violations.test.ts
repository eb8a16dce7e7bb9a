import { describe, expect, it } from '@jest/globals';
import { MseError } from './errors.js';
import { InfoHashIndex } from './info-hash-index.js';
import { MseInitiator } from './initiator.js';
import { seededRandom } from './random.js';
import { MseResponder, type MseResponderOptions } from './responder.js';
import { ForgedPeer } from './testing/forge.js';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
const unknownHash = new Uint8Array(20).fill(0xee);
const index = new InfoHashIndex([infoHash]);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

/** What `work` threw, which must be an MseError. */
function failure(work: () => unknown): MseError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(MseError);
    return error as MseError;
  }
  throw new Error('expected an MseError, nothing was thrown');
}

/** A responder, and a forged initiator that has already agreed on S with it after `padA` bytes of PadA. */
function responderWithPeer(options: Partial<MseResponderOptions> = {}, padA = 0): { responder: MseResponder; peer: ForgedPeer; prefix: number } {
  const responder = new MseResponder({ findInfoHash: index.find, random: seededRandom(3), now: 0, ...options });
  const peer = new ForgedPeer(1);
  const step = responder.receive(concat(peer.publicKey, new Uint8Array(padA)));
  peer.agree(step.send);
  return { responder, peer, prefix: 96 + padA };
}

describe('responder rule violations', () => {
  it('drops a peer whose PadA is 600 bytes as soon as 628 bytes came without HASH(req1, S)', () => {
    const { responder, peer } = responderWithPeer({}, 0);
    expect(responder.receive(new Uint8Array(531)).send.length).toBe(0); // 96 + 531 = 627 bytes: still possible
    const error = failure(() => responder.receive(concat(new Uint8Array(69), peer.message3(infoHash))));
    expect(error).toMatchObject({ code: 'sync-not-found', offset: 628 });
  });

  it('drops a peer that never sends the synchronisation pattern, however it splits the junk', () => {
    const { responder } = responderWithPeer();
    for (let i = 0; i < 531; i++) responder.receive(new Uint8Array([0x41]));
    expect(failure(() => responder.receive(new Uint8Array([0x41])))).toMatchObject({ code: 'sync-not-found', offset: 628 });
  });

  it('accepts PadA of exactly 512 bytes', () => {
    const { responder, peer } = responderWithPeer({}, 512);
    expect(responder.receive(peer.message3(infoHash)).done?.infoHash).toEqual(infoHash);
  });

  it('refuses a torrent it does not have (wrong SKEY) at the offset of the obfuscated hash', () => {
    const { responder, peer, prefix } = responderWithPeer({}, 10);
    expect(failure(() => responder.receive(peer.message3(unknownHash)))).toMatchObject({ code: 'unknown-info-hash', offset: prefix + 20 });
  });

  it('refuses a VC that does not decrypt to zeros', () => {
    const { responder, peer, prefix } = responderWithPeer();
    const error = failure(() => responder.receive(peer.message3(infoHash, { vc: new Uint8Array(8).fill(1) })));
    expect(error).toMatchObject({ code: 'bad-vc', offset: prefix + 40 });
  });

  it('refuses a peer whose keys do not match the info-hash it named (VC decrypts to garbage)', () => {
    const { responder, peer } = responderWithPeer();
    expect(failure(() => responder.receive(peer.message3(infoHash, { skey: unknownHash })))).toMatchObject({ code: 'bad-vc' });
  });

  it('refuses PadC longer than 512 bytes before reading it', () => {
    const { responder, peer, prefix } = responderWithPeer();
    const error = failure(() => responder.receive(peer.message3(infoHash, { padC: 600, padCBytes: 0 })));
    expect(error).toMatchObject({ code: 'pad-too-long', offset: prefix + 40 + 12 });
  });

  it.each([
    ['nothing', 0x00, undefined],
    ['only unknown bits', 0xfc, undefined],
    ['plaintext to a responder requiring RC4', 0x01, ['rc4'] as const],
  ])('refuses a crypto_provide offering %s', (_, provide, allow) => {
    const { responder, peer, prefix } = responderWithPeer(allow === undefined ? {} : { allow: [...allow] });
    expect(failure(() => responder.receive(peer.message3(infoHash, { provide })))).toMatchObject({ code: 'no-common-method', offset: prefix + 48 });
  });

  it('refuses an IA longer than its limit', () => {
    const { responder, peer, prefix } = responderWithPeer({ maxInitialPayload: 68 });
    expect(failure(() => responder.receive(peer.message3(infoHash, { ia: new Uint8Array(69) })))).toMatchObject({ code: 'ia-too-long', offset: prefix + 54 });
  });

  it('refuses Ya = 0 before doing any Diffie-Hellman work', () => {
    const responder = new MseResponder({ findInfoHash: index.find, random: seededRandom(3), now: 0 });
    expect(failure(() => responder.receive(new Uint8Array(96)))).toMatchObject({ code: 'bad-public-key', offset: 0 });
  });

  it('ignores unknown provide bits next to a known one', () => {
    const { responder, peer } = responderWithPeer();
    expect(responder.receive(peer.message3(infoHash, { provide: 0xf0000001 })).done?.method).toBe('plaintext');
  });
});

describe('initiator rule violations', () => {
  function initiatorWithPeer(provide: ('rc4' | 'plaintext')[] = ['rc4', 'plaintext'], padB = 0): { initiator: MseInitiator; peer: ForgedPeer; prefix: number } {
    const initiator = new MseInitiator({ infoHash, provide, random: seededRandom(4), now: 0 });
    const peer = new ForgedPeer(2);
    peer.agree(initiator.start());
    initiator.receive(concat(peer.publicKey, new Uint8Array(padB)));
    return { initiator, peer, prefix: 96 + padB };
  }

  it.each([
    ['an unknown method', ['rc4', 'plaintext'], 0x04],
    ['two methods', ['rc4', 'plaintext'], 0x03],
    ['nothing', ['rc4', 'plaintext'], 0x00],
    ['RC4 when only plaintext was offered', ['plaintext'], 0x02],
  ] as const)('refuses a crypto_select of %s', (_, provide, select) => {
    const { initiator, peer, prefix } = initiatorWithPeer([...provide], 7);
    expect(failure(() => initiator.receive(peer.message4(infoHash, { select })))).toMatchObject({ code: 'bad-crypto-select', offset: prefix + 8 });
  });

  it('recognises a peer that answers with a plaintext BitTorrent handshake', () => {
    const initiator = new MseInitiator({ infoHash, random: seededRandom(4), now: 0 });
    initiator.start();
    initiator.receive(Uint8Array.of(19, 66, 105)); // "\x13Bi": could still be a Yb
    const rest = new TextEncoder().encode('tTorrent protocol');
    expect(failure(() => initiator.receive(rest))).toMatchObject({ code: 'plaintext-peer', offset: 0 });
  });

  it('refuses PadD longer than 512 bytes', () => {
    const { initiator, peer, prefix } = initiatorWithPeer();
    expect(failure(() => initiator.receive(peer.message4(infoHash, { padD: 600 })))).toMatchObject({ code: 'pad-too-long', offset: prefix + 12 });
  });

  it('gives up when no encrypted VC came within 616 bytes (PadB of 600)', () => {
    const { initiator, peer } = initiatorWithPeer();
    initiator.receive(new Uint8Array(519)); // 96 + 519 = 615 bytes: the VC could still start at 608
    expect(failure(() => initiator.receive(concat(new Uint8Array(81), peer.message4(infoHash))))).toMatchObject({ code: 'sync-not-found', offset: 616 });
  });

  it('finds the VC after the longest legal PadB (512)', () => {
    const { initiator, peer } = initiatorWithPeer(undefined, 512);
    expect(initiator.receive(peer.message4(infoHash)).done?.method).toBe('rc4');
  });

  it('never synchronises with a responder that keyed RC4 with another info-hash', () => {
    const { initiator, peer } = initiatorWithPeer();
    expect(failure(() => initiator.receive(concat(peer.message4(unknownHash), new Uint8Array(600))))).toMatchObject({ code: 'sync-not-found' });
  });

  it('refuses Yb = P - 1', () => {
    const initiator = new MseInitiator({ infoHash, random: seededRandom(4), now: 0 });
    initiator.start();
    const pMinusOne = Uint8Array.from(Buffer.from('FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090562', 'hex'));
    expect(failure(() => initiator.receive(pMinusOne))).toMatchObject({ code: 'bad-public-key', offset: 0 });
  });
});

describe('deadline, abort and failure', () => {
  it('times out when told a time at or past the deadline, and not before', () => {
    const responder = new MseResponder({ findInfoHash: index.find, random: seededRandom(3), now: 1000, timeoutMs: 5000 });
    expect(responder.deadline).toBe(6000);
    responder.receive(new Uint8Array(10), 5999);
    responder.expire(5999);
    expect(failure(() => responder.expire(6000))).toMatchObject({ code: 'timeout', offset: 10 });
  });

  it('times out on receive with a late clock value', () => {
    const initiator = new MseInitiator({ infoHash, random: seededRandom(4), now: 0, timeoutMs: 100 });
    initiator.start();
    expect(failure(() => initiator.receive(new Uint8Array(96), 100))).toMatchObject({ code: 'timeout' });
  });

  it('stays failed: later calls throw the same error', () => {
    const responder = new MseResponder({ findInfoHash: index.find, random: seededRandom(3), now: 0 });
    const first = failure(() => responder.receive(new Uint8Array(96)));
    expect(failure(() => responder.receive(new Uint8Array(1)))).toBe(first);
    expect(responder.finished).toBe(true);
  });

  it('after abort, every call throws aborted; abort twice is harmless', () => {
    const initiator = new MseInitiator({ infoHash, random: seededRandom(4), now: 0 });
    initiator.abort();
    initiator.abort();
    expect(failure(() => initiator.start())).toMatchObject({ code: 'aborted' });
    expect(failure(() => initiator.receive(new Uint8Array(1)))).toMatchObject({ code: 'aborted' });
  });

  it('turns a throwing lookup callback into an MseError with the cause kept', () => {
    const { responder, peer } = responderWithPeer({
      findInfoHash: () => {
        throw new RangeError('lookup broke');
      },
    });
    const error = failure(() => responder.receive(peer.message3(infoHash)));
    expect(error.code).toBe('aborted');
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('works with a random source that reuses one buffer', () => {
    const seeded = seededRandom(8);
    const pool = new Uint8Array(1024);
    const reusing = (length: number): Uint8Array => {
      pool.set(seeded(length));
      return pool.subarray(0, length);
    };
    const initiator = new MseInitiator({ infoHash, initialPayload: new Uint8Array(3), random: reusing, now: 0 });
    const responder = new MseResponder({ findInfoHash: index.find, random: reusing, now: 0 });
    const m2 = responder.receive(initiator.start()).send;
    const m4 = responder.receive(initiator.receive(m2).send).send;
    expect(initiator.receive(m4).done?.method).toBe('rc4');
  });

  it('refuses receive() on an initiator that never sent message 1', () => {
    const initiator = new MseInitiator({ infoHash, random: seededRandom(4), now: 0 });
    expect(failure(() => initiator.receive(new Uint8Array(96)))).toMatchObject({ code: 'invalid-argument' });
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    expect(failure(() => new MseInitiator({ infoHash, random: () => new Uint8Array(3), now: 0 }))).toMatchObject({ code: 'invalid-argument' });
  });

  it('throws nothing but MseError for 300 random inputs, whole or byte by byte', () => {
    const random = seededRandom(99);
    for (let run = 0; run < 300; run++) {
      const [a = 0, b = 0] = random(2);
      const input = random(((a << 8) | b) % 1400);
      const byteByByte = run % 2 === 0;
      const responder = new MseResponder({ findInfoHash: index.find, random: seededRandom(run), now: 0 });
      try {
        if (byteByByte) for (const byte of input) responder.receive(Uint8Array.of(byte));
        else responder.receive(input);
      } catch (error) {
        expect(error).toBeInstanceOf(MseError);
      }
    }
  });
});
