// Test data shared by the encoder and decoder tests: each message next to its bytes, written out by
// hand from BEP 3 / 5 / 6 / 10 (length prefix, id, big-endian fields), not produced by the encoder.
import type { WireMessage } from '../messages.js';

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface WireCase {
  name: string;
  message: WireMessage;
  bytes: Uint8Array;
}

export const WIRE_TABLE: readonly WireCase[] = [
  { name: 'keep-alive', message: { type: 'keep-alive' }, bytes: hex('00000000') },
  { name: 'choke', message: { type: 'choke' }, bytes: hex('00000001 00') },
  { name: 'unchoke', message: { type: 'unchoke' }, bytes: hex('00000001 01') },
  { name: 'interested', message: { type: 'interested' }, bytes: hex('00000001 02') },
  { name: 'not interested', message: { type: 'not-interested' }, bytes: hex('00000001 03') },
  { name: 'have', message: { type: 'have', index: 0x01020304 }, bytes: hex('00000005 04 01020304') },
  { name: 'bitfield', message: { type: 'bitfield', bytes: hex('ff80') }, bytes: hex('00000003 05 ff80') },
  {
    name: 'request',
    message: { type: 'request', index: 1, begin: 0x4000, length: 0x4000 },
    bytes: hex('0000000d 06 00000001 00004000 00004000'),
  },
  { name: 'piece', message: { type: 'piece', index: 2, begin: 0, block: hex('aabb') }, bytes: hex('0000000b 07 00000002 00000000 aabb') },
  {
    name: 'cancel',
    message: { type: 'cancel', index: 0xffffffff, begin: 0x8000, length: 0x123 },
    bytes: hex('0000000d 08 ffffffff 00008000 00000123'),
  },
  { name: 'port (BEP 5)', message: { type: 'port', port: 6881 }, bytes: hex('00000003 09 1ae1') },
  { name: 'suggest piece (BEP 6)', message: { type: 'suggest-piece', index: 5 }, bytes: hex('00000005 0d 00000005') },
  { name: 'have all (BEP 6)', message: { type: 'have-all' }, bytes: hex('00000001 0e') },
  { name: 'have none (BEP 6)', message: { type: 'have-none' }, bytes: hex('00000001 0f') },
  {
    name: 'reject request (BEP 6)',
    message: { type: 'reject-request', index: 3, begin: 0x4000, length: 0x4000 },
    bytes: hex('0000000d 10 00000003 00004000 00004000'),
  },
  { name: 'allowed fast (BEP 6)', message: { type: 'allowed-fast', index: 1059 }, bytes: hex('00000005 11 00000423') },
  {
    name: 'extended (BEP 10)',
    message: { type: 'extended', id: 3, payload: hex('64 31 3a 78 69 31 65 65') /* d1:xi1ee */ },
    bytes: hex('0000000a 14 03 64313a7869316565'),
  },
];

/**
 * A message with its byte fields as base64 text: jest compares large Uint8Arrays element by
 * element, which makes 16 KiB blocks in property tests slow; strings compare at once.
 */
export function comparable(message: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    out[key] = value instanceof Uint8Array ? `bytes:${Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64')}` : value;
  }
  return out;
}
