// An independent implementation as the oracle: WebTorrent's bittorrent-protocol 5 (root
// devDependency), whose MSE sends random PadC/PadD and no IA, unlike libtorrent. Its Wire is a
// Duplex: what we write into it is what the peer received; what it emits is what the peer sent.
import { describe, expect, it } from '@jest/globals';
import Wire from 'bittorrent-protocol';
import type { MseHandshake, MseResult } from './handshake.js';
import { InfoHashIndex } from './info-hash-index.js';
import { MseInitiator } from './initiator.js';
import { obfuscatedInfoHash } from './keys.js';
import { seededRandom } from './random.js';
import { MseResponder } from './responder.js';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => 0xa0 + i);
const infoHashHex = Buffer.from(infoHash).toString('hex');
const ourPeerId = new Uint8Array(20).fill(0x54);
const btHandshake = Uint8Array.from([19, ...new TextEncoder().encode('BitTorrent protocol'), ...new Uint8Array(8), ...infoHash, ...ourPeerId]);

/**
 * Connects `wire` and `ours` in memory. Resolves with our result, the plaintext of what the wire sent
 * after the handshake (its BitTorrent handshake), and the peer id the wire saw in ours.
 */
function connect(wire: Wire, ours: MseHandshake, sendAfterDone: (result: MseResult) => Uint8Array | undefined): Promise<{ result: MseResult; after: Buffer; peerIdSeen: string }> {
  return new Promise((resolve, reject) => {
    let result: MseResult | undefined;
    let after = Buffer.alloc(0);
    let peerIdSeen: string | undefined;
    const settle = (): void => {
      if (result !== undefined && after.length >= 68 && peerIdSeen !== undefined) resolve({ result, after, peerIdSeen });
    };
    wire.on('handshake', (_infoHash, peerId) => {
      peerIdSeen = peerId;
      wire.handshake(infoHash, new Uint8Array(20).fill(0x57));
      settle();
    });
    wire.on('data', (chunk) => {
      try {
        if (result === undefined) {
          const step = ours.receive(chunk, 0);
          if (step.send.length > 0) wire.write(step.send);
          if (step.done === undefined) return;
          result = step.done;
          after = Buffer.from(result.received);
          const extra = sendAfterDone(result);
          if (extra !== undefined) wire.write(extra);
        } else {
          after = Buffer.concat([after, result.decrypt?.update(chunk) ?? chunk]);
        }
        settle();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    wire.on('close', () => reject(new Error('the wire closed')));
  });
}

describe('MSE against WebTorrent bittorrent-protocol', () => {
  it.each([
    ['RC4 only', 2, 'rc4'],
    ['preferring plaintext', 1, 'plaintext'],
  ] as const)('our responder accepts its initiator (%s) and both BitTorrent handshakes get through', async (_, peEnabled, method) => {
    for (let run = 0; run < 10; run++) {
      const wire = new Wire('tcpOutgoing', peEnabled);
      const responder = new MseResponder({ findInfoHash: new InfoHashIndex([infoHash]).find, allow: method === 'rc4' ? ['rc4'] : ['plaintext', 'rc4'], random: seededRandom(run + 1), now: 0 });
      const connected = connect(wire, responder, (result) => result.encrypt?.update(btHandshake) ?? btHandshake);
      wire.startEncryption(infoHashHex);
      const { result, after, peerIdSeen } = await connected;
      expect(result.method).toBe(method);
      expect(result.infoHash).toEqual(infoHash);
      expect(peerIdSeen).toBe(Buffer.from(ourPeerId).toString('hex'));
      expect(after.subarray(0, 20).toString('latin1')).toBe('\x13BitTorrent protocol');
      expect(Buffer.from(after.subarray(28, 48)).toString('hex')).toBe(infoHashHex);
      wire.destroy();
    }
  });

  it.each([
    ['RC4 only', 2, 'rc4'],
    ['preferring plaintext', 1, 'plaintext'],
  ] as const)('our initiator gets through to its responder (%s), our IA carrying our BitTorrent handshake', async (_, peEnabled, method) => {
    for (let run = 0; run < 10; run++) {
      const wire = new Wire('tcpIncoming', peEnabled);
      wire.on('crypto-infohash', (obfuscated) => {
        expect(obfuscated).toBe(Buffer.from(obfuscatedInfoHash(infoHash)).toString('hex'));
        wire.setInfoHash(infoHashHex);
      });
      const initiator = new MseInitiator({ infoHash, initialPayload: btHandshake, random: seededRandom(run + 50), now: 0 });
      const connected = connect(wire, initiator, () => undefined);
      wire.write(initiator.start());
      const { result, after, peerIdSeen } = await connected;
      expect(result.method).toBe(method);
      expect(peerIdSeen).toBe(Buffer.from(ourPeerId).toString('hex'));
      expect(Buffer.from(after.subarray(28, 48)).toString('hex')).toBe(infoHashHex);
      wire.destroy();
    }
  });
});

