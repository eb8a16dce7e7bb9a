// Duplicates at admission. Over uTP a peer's incoming connection comes from its listen port, so it
// carries the same key as our dial to it: the same key the other way round is two ends dialling each
// other, settled by the peer-id tie-break, never refused on both sides.
import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { WireDecoder, encodeReserved } from '@typetorrent/peer-wire';
import { testServices } from '../testing/services.js';
import { admit, type AdmissionHost } from './admission.js';
import type { Handshaken } from './handshake-io.js';
import type { PeerConnection, PeerDirection } from './peer-connection.js';

const infoHash = new Uint8Array(20).fill(7);
const KEY = '127.0.0.1:6881';

function host(): AdmissionHost & { readonly admitted: PeerConnection[] } {
  const admitted: PeerConnection[] = [];
  const services = testServices();
  // Our peer id sits between the two remote ids used below.
  services.peerId.fill(0x80);
  return {
    admitted,
    services,
    infoHash,
    active: true,
    maxPeers: 50,
    connections: () => admitted,
    markSelf: () => undefined,
    makeRoom: () => false,
  };
}

function handshaken(peerId: number): Handshaken & { readonly socket: PassThrough } {
  const socket = new PassThrough();
  return { socket, decoder: new WireDecoder(), handshake: { type: 'handshake', reserved: encodeReserved({ fast: true, extended: true }), infoHash, peerId: new Uint8Array(20).fill(peerId) } };
}

function tryAdmit(h: ReturnType<typeof host>, connection: Handshaken, direction: PeerDirection): PeerConnection | undefined {
  const conn = admit(h, connection, KEY, direction, undefined);
  if (conn !== undefined) h.admitted.push(conn);
  return conn;
}

describe('admission of a second connection with the same key', () => {
  it('keeps the one opened by the larger peer id when both ends dialled each other (ours larger: our dial)', () => {
    const h = host();
    const ours = tryAdmit(h, handshaken(0x10), 'out');
    const theirs = handshaken(0x10);
    expect(tryAdmit(h, theirs, 'in')).toBeUndefined();
    expect(theirs.socket.destroyed).toBe(true);
    expect(ours?.closed).toBe(false);
  });

  it('keeps the one opened by the larger peer id when both ends dialled each other (theirs larger: their dial)', () => {
    const h = host();
    const ours = tryAdmit(h, handshaken(0xf0), 'out');
    const theirs = tryAdmit(h, handshaken(0xf0), 'in');
    expect(theirs).toBeDefined();
    expect(ours?.closed).toBe(true);
  });

  it('refuses the same key in the same direction, or from another peer id', () => {
    const h = host();
    tryAdmit(h, handshaken(0xf0), 'in');
    const again = handshaken(0xf0);
    expect(tryAdmit(h, again, 'in')).toBeUndefined();
    const stranger = handshaken(0x33);
    expect(tryAdmit(h, stranger, 'out')).toBeUndefined();
    expect([again.socket.destroyed, stranger.socket.destroyed]).toEqual([true, true]);
  });
});
