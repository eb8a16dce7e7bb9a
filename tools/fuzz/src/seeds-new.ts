// Seeds for the targets of the packages that came later (DHT, uTP, MSE); see seeds.ts for the rest.
import { encode } from '@typetorrent/bencode';
import { encodeKrpc } from '@typetorrent/dht';
import { MseInitiator, seededRandom, type CryptoMethod } from '@typetorrent/mse';
import { PacketType, encodePacket } from '@typetorrent/utp';
import { MSE_INFO_HASH, mseResponder } from './targets/mse.js';

const id = (fill: number): Uint8Array => new Uint8Array(20).fill(fill);
const t = Uint8Array.of(0x61, 0x61);

export function krpcSeeds(): Uint8Array[] {
  const node = (fill: number, host: string) => ({ id: id(fill), address: { host, port: 6881 } });
  return [
    encodeKrpc({ kind: 'query', t, id: id(1), readOnly: false, method: 'ping' }),
    encodeKrpc({ kind: 'query', t, id: id(1), readOnly: true, want: { n4: true, n6: true }, method: 'find_node', target: id(2) }, { readOnly: true, version: Uint8Array.of(0x54, 0x54, 0, 1) }),
    encodeKrpc({ kind: 'query', t, id: id(1), readOnly: false, method: 'get_peers', infoHash: id(3) }),
    encodeKrpc({ kind: 'query', t, id: id(1), readOnly: false, method: 'announce_peer', infoHash: id(3), port: 6881, impliedPort: true, token: Uint8Array.of(1, 2, 3, 4) }),
    encodeKrpc({ kind: 'response', t, id: id(4), nodes: [node(5, '10.0.0.1'), node(6, '10.0.0.2')], nodes6: [node(7, '2001:db8::1')], token: Uint8Array.of(9, 9), ip: { host: '127.0.0.1', port: 1 } }),
    encodeKrpc({ kind: 'response', t, id: id(4), values: [{ host: '10.1.1.1', port: 80 }, { host: '::1', port: 443 }] }),
    encodeKrpc({ kind: 'error', t, code: 201, message: 'A Generic Error Ocurred' }),
    encode({ t: 'xy', y: 'q', q: 'vote', a: { id: id(1) } }),
  ];
}

export function utpSeeds(): Uint8Array[] {
  const base = { connectionId: 1234, timestamp: 1000, timestampDifference: 50, windowSize: 1 << 20, seq: 1, ack: 65535, payload: new Uint8Array(0) };
  const withUnknownExtension = encodePacket({ ...base, type: PacketType.STATE, sack: Uint8Array.of(0xff, 0, 0, 1) });
  withUnknownExtension[HEADER_OFFSET_OF_SACK_NEXT] = 2; // a second, unknown extension after the SACK
  return [
    encodePacket({ ...base, type: PacketType.SYN }),
    encodePacket({ ...base, type: PacketType.DATA, payload: new Uint8Array(100).fill(0x33) }),
    encodePacket({ ...base, type: PacketType.STATE, sack: Uint8Array.of(0x0f, 0, 0, 0x80) }),
    encodePacket({ ...base, type: PacketType.FIN }),
    encodePacket({ ...base, type: PacketType.RESET }),
    withUnknownExtension,
  ];
}
const HEADER_OFFSET_OF_SACK_NEXT = 20;

/** Everything an initiator sends to our seeded responder over one complete handshake. */
function mseStream(provide: readonly CryptoMethod[], initialPayload: Uint8Array, seed: number): Uint8Array {
  const initiator = new MseInitiator({ now: 0, infoHash: MSE_INFO_HASH, provide, initialPayload, random: seededRandom(seed) });
  const responder = mseResponder();
  const sent: Uint8Array[] = [initiator.start()];
  let toInitiator = responder.receive(sent[0]!, 0).send;
  for (let round = 0; round < 8 && !responder.finished; round++) {
    const step = initiator.receive(toInitiator, 0);
    if (step.send.length > 0) sent.push(step.send);
    if (step.send.length === 0 && !initiator.finished) break;
    toInitiator = responder.receive(step.send, 0).send;
  }
  return Uint8Array.from(sent.flatMap((part) => [...part]));
}

export function mseSeeds(): Uint8Array[] {
  return [
    mseStream(['rc4', 'plaintext'], new Uint8Array(0), 11),
    mseStream(['plaintext'], new TextEncoder().encode('\x13BitTorrent protocol'), 12),
    mseStream(['rc4'], new Uint8Array(300).fill(7), 13),
    new Uint8Array(96).fill(0),
  ];
}
