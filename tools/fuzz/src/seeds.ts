// The generator of the committed seed corpora (`npm run fuzz -- --write-seeds` writes them to
// corpus/<target>/). Each seed is a small valid input, or a near miss, that reaches a different part
// of its parser; hand-made files can be added to the folders beside these.
import { encode, type BencodeInput } from '@typetorrent/bencode';
import { encodeExtendedHandshake, encodeHandshake, encodeMessage, encodeUtMetadata, encodeUtPex } from '@typetorrent/peer-wire';
import { PieceSet, encodeResume } from '@typetorrent/storage';
import { krpcSeeds, mseSeeds, utpSeeds } from './seeds-new.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const be32 = (...values: number[]): Uint8Array => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v >>> 0));
  return out;
};

const single: BencodeInput = { name: 'file.bin', 'piece length': 16384, pieces: bytes(60, 7), length: 40000 };
const multi: BencodeInput = {
  name: 'folder',
  'piece length': 32768,
  pieces: bytes(40, 9),
  files: [
    { length: 30000, path: ['a', 'one.txt'] },
    { length: 2768, path: ['.pad', '2768'], attr: 'p' },
    { length: 20000, path: ['b.bin'], 'path.utf-8': ['b.bin'] },
  ],
};

function torrents(): Uint8Array[] {
  return [
    encode({ announce: 'http://t.example/announce', info: single }),
    encode({
      announce: 'udp://t.example:6969', 'announce-list': [['http://a.example/announce'], ['udp://b.example:80', 'http://c.example/a']],
      'url-list': ['http://seed.example/'], comment: 'seeds', 'created by': 'fuzz', 'creation date': 1700000000, info: multi,
    }),
    encode({ info: { ...(single as object), private: 1, 'meta version': 2, 'file tree': {} } }),
    encode({ info: { ...(single as object), name: 'CON', 'name.utf-8': 'n\u00e4me' }, 'url-list': 'http://w.example/' }),
    concat(encode({ info: single }), text('trailing')),
  ];
}

function magnets(): Uint8Array[] {
  return [
    'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=x',
    'magnet:?xt=urn:btih:YSX6BQDLXISUTHOJ6UM3GNNKPQTTPKEK&dn=two+words&tr=http%3A%2F%2Ft.example%2Fa&tr.1=udp://u.example:80&ws=http://w.example/&x.pe=127.0.0.1:6881&x.pe=[::1]:6881&xl=12345',
    'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&xt=urn:btmh:1220' + 'ab'.repeat(32) + '&dn=%E2%80%AEevil',
    'magnet:?xt=urn:btmh:1220' + 'cd'.repeat(32),
    'MAGNET:?XT=urn:BTIH:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&xl=99999999999999999',
  ].map(text);
}

/** Peer-wire seeds: the 4-byte option header (peer-wire.ts) then a stream. */
function wire(): Uint8Array[] {
  const hs = encodeHandshake({ reserved: Uint8Array.of(0, 0, 0, 0, 0, 0x10, 0, 0x04), infoHash: bytes(20, 1), peerId: bytes(20, 2) });
  const messages = concat(
    encodeMessage({ type: 'bitfield', bytes: Uint8Array.of(0xff, 0xc0) }),
    encodeMessage({ type: 'have', index: 3 }),
    encodeMessage({ type: 'interested' }),
    encodeMessage({ type: 'unchoke' }),
    encodeMessage({ type: 'request', index: 1, begin: 16384, length: 16384 }),
    encodeMessage({ type: 'piece', index: 1, begin: 0, block: bytes(100, 0x5a) }),
    encodeMessage({ type: 'cancel', index: 1, begin: 16384, length: 16384 }),
    encodeMessage({ type: 'port', port: 6881 }),
    encodeMessage({ type: 'keep-alive' }),
  );
  const fast = concat(
    encodeMessage({ type: 'have-all' }),
    encodeMessage({ type: 'suggest-piece', index: 2 }),
    encodeMessage({ type: 'allowed-fast', index: 4 }),
    encodeMessage({ type: 'reject-request', index: 1, begin: 0, length: 16384 }),
    encodeMessage({ type: 'extended', id: 0, payload: encodeExtendedHandshake({ m: { ut_metadata: 1, ut_pex: 2 }, v: 'fuzz', metadataSize: 1000 }) }),
    encodeMessage({ type: 'extended', id: 1, payload: encodeUtMetadata({ msgType: 'request', piece: 0 }) }),
    concat(be32(5), Uint8Array.of(99), bytes(4, 0)),
  );
  // Options: 0x21 = handshake + piece count; 0x2b = fast and extended negotiated, no handshake.
  return [
    concat(Uint8Array.of(0x21, 0, 10, 1), hs, messages),
    concat(Uint8Array.of(0x2a, 0, 10, 2), messages, fast),
    concat(Uint8Array.of(0x00, 0, 0, 3), fast),
    concat(Uint8Array.of(0x01, 0, 0, 4), hs.subarray(0, 40)),
  ];
}

function utMetadata(): Uint8Array[] {
  return [
    encodeUtMetadata({ msgType: 'request', piece: 0 }),
    encodeUtMetadata({ msgType: 'reject', piece: 3 }),
    encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: 100, data: bytes(100, 0x41) }),
    encodeUtMetadata({ msgType: 'data', piece: 1, totalSize: 16384 + 50, data: bytes(50, 0x42) }),
    encode({ msg_type: 7, piece: 0 }),
  ];
}

function utPex(): Uint8Array[] {
  return [
    encodeUtPex({ added: [{ host: '10.0.0.1', port: 6881, flags: 0x12 }, { host: '2001:db8::1', port: 51413, flags: 1 }], dropped: [{ host: '10.0.0.2', port: 1 }] }),
    encodeUtPex({ added: [], dropped: [{ host: 'fe80::1', port: 6881 }] }),
    encode({ added: bytes(12, 1), 'added.f': Uint8Array.of(0, 2), added6: concat(bytes(10, 0), Uint8Array.of(0xff, 0xff, 127, 0, 0, 1, 0x1a, 0xe1)) }),
  ];
}

function extendedHandshakes(): Uint8Array[] {
  return [
    encodeExtendedHandshake({ m: { ut_metadata: 1, ut_pex: 2, lt_donthave: 0 }, v: 'fuzz 1.0', p: 6881, reqq: 250, metadataSize: 31235, uploadOnly: true }),
    encodeExtendedHandshake({ m: {}, yourip: Uint8Array.of(127, 0, 0, 1), ipv4: Uint8Array.of(10, 0, 0, 1), ipv6: bytes(16, 0) }),
    encode({ m: { ut_metadata: 3 }, e: 1, complete_ago: 1, v: Uint8Array.of(0xff, 0xfe) }),
  ];
}

function httpAnnounce(): Uint8Array[] {
  return [
    encode({ interval: 1800, 'min interval': 60, complete: 5, incomplete: 2, peers: Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 80), 'tracker id': 'abc' }),
    encode({ interval: 900, peers: [{ ip: '127.0.0.1', port: 6881, 'peer id': bytes(20, 3) }, { ip: '::1', port: 6882 }, { ip: 'example.com', port: 1 }], peers6: concat(bytes(15, 0), Uint8Array.of(1, 0x1a, 0xe1)) }),
    encode({ 'failure reason': 'not registered', 'retry in': 60 }),
    encode({ 'failure reason': 'go away', 'retry in': 'never' }),
    encode({ interval: 10, peers: '', 'warning message': 'w' }),
  ];
}

function httpScrape(): Uint8Array[] {
  const key = String.fromCharCode(...bytes(20, 0x61));
  return [
    encode(new Map<string, BencodeInput>([['files', new Map([[key, new Map<string, BencodeInput>([['complete', 3], ['downloaded', 10], ['incomplete', 1], ['name', 'n']])]])]])),
    encode({ files: {} }),
    encode({ 'failure reason': 'no scrape' }),
    encode({ flags: { min_request_interval: 60 } }),
  ];
}

/** UDP seeds: byte 0 picks the socket family (even: IPv4), then the packet. */
function udp(): Uint8Array[] {
  return [
    concat(Uint8Array.of(0), be32(0, 0x1234, 0xdeadbeef, 0xcafef00d)),
    concat(Uint8Array.of(0), be32(1, 0x1234, 1800, 2, 5), Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1)),
    concat(Uint8Array.of(1), be32(1, 0x1234, 1800, 0, 1), bytes(15, 0), Uint8Array.of(1, 0x1a, 0xe1)),
    concat(Uint8Array.of(0), be32(2, 0x1234, 5, 10, 1, 0, 0, 0)),
    concat(Uint8Array.of(0), be32(3, 0x1234), text('torrent not registered')),
    concat(Uint8Array.of(0), be32(1, 0x1234)),
  ];
}

function resume(): Uint8Array[] {
  const verified = PieceSet.fromBitfield(Uint8Array.of(0xf0, 0x0f, 0xff, 0, 0x80), 37) ?? PieceSet.all(37);
  const durable = verified.clone();
  durable.delete(4);
  const base = {
    infoHash: bytes(20, 0xab), verified, durable, bootId: '3c6a2b9e-0a3b-4b5e-9a7e-0d1c2b3a4f5e',
    files: [{ size: 100, mtimeUs: 1700000000000000 }, undefined, { size: 0, mtimeUs: 0 }], parts: undefined,
  };
  return [
    encodeResume(base),
    encodeResume({ ...base, bootId: undefined, parts: { size: 16384, mtimeUs: 1 } }),
    encode({ version: 1, 'info-hash': bytes(20, 0xab), 'piece-count': 37, pieces: bytes(5, 0), files: [{}, {}, {}], parts: {} }),
  ];
}

export function seedInputs(): Record<string, Uint8Array[]> {
  const bencode = [text('d1:ai1e1:bl4:spamd1:xi-3eee1:c0:e'), text('li0ei-42ei9007199254740993e0:3:abce'), text('d4:infod6:lengthi5eee'), text('i-0e'), text('d1:b0:1:a0:e')];
  return {
    bencode,
    torrent: torrents(),
    magnet: magnets(),
    'peer-wire': wire(),
    'ut-metadata': utMetadata(),
    'ut-pex': utPex(),
    'extended-handshake': extendedHandshakes(),
    'tracker-http-announce': httpAnnounce(),
    'tracker-http-scrape': httpScrape(),
    'tracker-udp': udp(),
    resume: resume(),
    'dht-krpc': krpcSeeds(),
    'utp-packet': utpSeeds(),
    'mse-responder': mseSeeds(),
  };
}
