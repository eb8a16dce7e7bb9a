import { afterEach, describe, expect, it } from '@jest/globals';
import type net from 'node:net';
import { createPeerId, encodeHandshake, encodeReserved } from '@typetorrent/peer-wire';
import { initiateEncrypted } from '../../testing/mse-initiator.js';
import { socketPair } from '../../testing/socket-pair.js';
import { CRYPTO_PLAINTEXT, CRYPTO_RC4 } from './constants.js';
import { Rc4 } from './rc4.js';
import { acceptEncrypted, req2Hash } from './responder.js';

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

const infoHash = new Uint8Array(20).map((_, i) => i + 1);
const find = (req2: Uint8Array): Uint8Array | undefined => (Buffer.compare(Buffer.from(req2), Buffer.from(req2Hash(infoHash))) === 0 ? infoHash : undefined);

describe('Message Stream Encryption, responder side', () => {
  it('agrees on keys, names the torrent, selects plaintext and hands back the initial payload', async () => {
    const [initiator, responder] = await socketPair();
    sockets.push(initiator, responder);
    responder.pause();
    const handshake = encodeHandshake({ reserved: encodeReserved({ fast: true }), infoHash, peerId: createPeerId() });
    const [accepted, initiated] = await Promise.all([
      acceptEncrypted(responder, new Uint8Array(0), find, AbortSignal.timeout(10_000), 'initiator'),
      initiateEncrypted(initiator, infoHash, CRYPTO_PLAINTEXT | CRYPTO_RC4, handshake),
    ]);
    expect(accepted.infoHash).toEqual(infoHash);
    expect(Buffer.from(accepted.initial)).toEqual(Buffer.from(handshake));
    expect(initiated.selected).toBe(CRYPTO_PLAINTEXT);
  });

  it('refuses a torrent it does not have', async () => {
    const [initiator, responder] = await socketPair();
    sockets.push(initiator, responder);
    const accepting = acceptEncrypted(responder, new Uint8Array(0), () => undefined, AbortSignal.timeout(10_000), 'initiator');
    void initiateEncrypted(initiator, infoHash, CRYPTO_PLAINTEXT, new Uint8Array(0)).catch(() => undefined);
    await expect(accepting).rejects.toMatchObject({ code: 'WRONG_INFO_HASH' });
  });

  it('refuses a peer that wants the whole stream encrypted', async () => {
    const [initiator, responder] = await socketPair();
    sockets.push(initiator, responder);
    const accepting = acceptEncrypted(responder, new Uint8Array(0), find, AbortSignal.timeout(10_000), 'initiator');
    void initiateEncrypted(initiator, infoHash, CRYPTO_RC4, new Uint8Array(0)).catch(() => undefined);
    await expect(accepting).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('gives up when the peer never completes the handshake', async () => {
    const [initiator, responder] = await socketPair();
    sockets.push(initiator, responder);
    initiator.write(new Uint8Array(50));
    await expect(acceptEncrypted(responder, new Uint8Array(0), find, AbortSignal.timeout(50), 'initiator')).rejects.toMatchObject({ code: 'HANDSHAKE_TIMEOUT' });
  });
});

describe('RC4', () => {
  it('matches the published test vector (key "Key", plaintext "Plaintext")', () => {
    const out = new Rc4(new TextEncoder().encode('Key')).update(new TextEncoder().encode('Plaintext'));
    expect(Buffer.from(out).toString('hex')).toBe('bbf316e8d940af0ad3');
  });
});
