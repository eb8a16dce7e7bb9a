import { describe, expect, test } from '@jest/globals';
import { latin1ToBytes } from '@typetorrent/bencode';
import { DhtError } from '../errors.js';
import { SeededRandom } from '../env.js';
import { decodeCompactNodes, encodeCompactNodes } from './compact.js';
import { decodeKrpc } from './decode.js';
import { encodeKrpc } from './encode.js';
import type { KrpcMessage } from './messages.js';

const b = (s: string): Uint8Array => latin1ToBytes(s);
const str = (u: Uint8Array | undefined): string => Buffer.from(u ?? []).toString('latin1');

function thrown(f: () => unknown): DhtError {
  try {
    f();
  } catch (e) {
    if (e instanceof DhtError) return e;
    throw new Error(`threw something other than DhtError: ${String(e)}`);
  }
  throw new Error('did not throw');
}

// The examples printed in BEP 5, byte for byte.
const bep5 = {
  ping: 'd1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe',
  pingResponse: 'd1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re',
  findNode: 'd1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe',
  getPeers: 'd1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe',
  getPeersValues: 'd1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re',
  announce: 'd1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe',
  error: 'd1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee',
};

describe('KRPC codec: BEP 5 examples', () => {
  test('decodes and re-encodes every example to the same bytes', () => {
    for (const [name, text] of Object.entries(bep5)) {
      const message = decodeKrpc(b(text));
      expect([name, str(encodeKrpc(message))]).toEqual([name, text]);
    }
  });

  test('reads the fields of each query', () => {
    const ping = decodeKrpc(b(bep5.ping));
    expect(ping).toMatchObject({ kind: 'query', method: 'ping', readOnly: false });
    expect(str((ping as { id: Uint8Array }).id)).toBe('abcdefghij0123456789');
    const announce = decodeKrpc(b(bep5.announce));
    expect(announce).toMatchObject({ method: 'announce_peer', port: 6881, impliedPort: false });
    expect(str((announce as { token: Uint8Array }).token)).toBe('aoeusnth');
  });

  test('reads compact peers from values and the token', () => {
    const r = decodeKrpc(b(bep5.getPeersValues));
    if (r.kind !== 'response') throw new Error('not a response');
    expect(r.values).toEqual([{ host: '97.120.106.101', port: 11893 }, { host: '105.100.104.116', port: 28269 }]);
    expect(str(r.token)).toBe('aoeusnth');
  });

  test('reads an error message', () => {
    expect(decodeKrpc(b(bep5.error))).toMatchObject({ kind: 'error', code: 201, message: 'A Generic Error Ocurred' });
  });

  test('an error message is UTF-8 both ways, invalid bytes as U+FFFD, so it survives a round trip', () => {
    const message = decodeKrpc(b('d1:eli201e4:\xc3\xa9\xff!e1:t2:aa1:y1:ee'));
    expect(message).toMatchObject({ kind: 'error', message: '\u00e9\ufffd!' });
    expect(decodeKrpc(encodeKrpc(message))).toEqual(message);
  });
});

describe('KRPC codec: extensions', () => {
  const id = new Uint8Array(20).fill(7);
  test('round-trips implied_port, want, ro, nodes, nodes6 and ip', () => {
    const rnd = new SeededRandom(1);
    const nodes = [{ id: rnd.bytes(20), address: { host: '10.1.2.3', port: 6881 } }];
    const nodes6 = [{ id: rnd.bytes(20), address: { host: '2001:db8::1', port: 443 } }];
    const messages: KrpcMessage[] = [
      { kind: 'query', t: b('x1'), id, readOnly: false, method: 'announce_peer', infoHash: id, port: 0, impliedPort: true, token: b('tok') },
      { kind: 'query', t: b('x2'), id, readOnly: false, want: { n4: true, n6: true }, method: 'find_node', target: id },
      { kind: 'response', t: b('x3'), id, nodes, nodes6, token: b('tk'), ip: { host: '::1', port: 9 } },
    ];
    for (const m of messages) expect(decodeKrpc(encodeKrpc(m))).toEqual(m);
    const ro = decodeKrpc(encodeKrpc(messages[1]!, { readOnly: true }));
    expect(ro).toMatchObject({ readOnly: true });
  });

  test('compact nodes are 26 bytes (IPv4) and 38 bytes (IPv6)', () => {
    const nodes = [{ id, address: { host: '1.2.3.4', port: 1 } }];
    expect(encodeCompactNodes(nodes, 4)).toHaveLength(26);
    expect(encodeCompactNodes([{ id, address: { host: 'fe80::2', port: 1 } }], 6)).toHaveLength(38);
    expect(decodeCompactNodes(encodeCompactNodes(nodes, 4), 4, 'nodes')).toEqual(nodes);
  });

  test('an unknown method decodes as unknown, for a 204 reply', () => {
    expect(decodeKrpc(b('d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t1:z1:y1:qe'))).toMatchObject({ method: 'unknown', name: 'vote' });
  });

  test('an unknown method name with bytes above 0x7f is encoded back byte for byte', () => {
    const query = decodeKrpc(b('d1:ad2:id20:abcdefghij0123456789e1:q4:v\xf6te1:t1:z1:y1:qe'));
    expect(query).toMatchObject({ method: 'unknown', name: 'v\u00f6te' });
    expect(decodeKrpc(encodeKrpc(query))).toEqual(query);
  });
});

describe('KRPC codec: malformed input', () => {
  const table: [string, string, string, string | undefined][] = [
    ['not bencode', 'hello', 'NOT_BENCODE', undefined],
    ['not a dict', 'li1ee', 'MALFORMED', undefined],
    ['no transaction id', 'd1:y1:qe', 'MALFORMED', 't'],
    ['unknown y', 'd1:t2:aa1:y1:xe', 'MALFORMED', 'y'],
    ['query without a', 'd1:q4:ping1:t2:aa1:y1:qe', 'MALFORMED', 'a'],
    ['short id', 'd1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe', 'MALFORMED', 'a.id'],
    ['find_node without target', 'd1:ad2:id20:abcdefghij0123456789e1:q9:find_node1:t2:aa1:y1:qe', 'MALFORMED', 'a.target'],
    ['announce without token', 'd1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti6881ee1:q13:announce_peer1:t2:aa1:y1:qe', 'MALFORMED', 'a.token'],
    ['announce port 0', 'd1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti0e5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe', 'MALFORMED', 'a.port'],
    ['nodes of 27 bytes', `d1:rd2:id20:abcdefghij01234567895:nodes27:${'n'.repeat(27)}e1:t2:aa1:y1:re`, 'BAD_COMPACT', 'r.nodes'],
    ['a 7-byte value', 'd1:rd2:id20:abcdefghij01234567896:valuesl7:abcdefgee1:t2:aa1:y1:re', 'BAD_COMPACT', 'r.values[0]'],
    ['error without code', 'd1:el3:abce1:t2:aa1:y1:ee', 'MALFORMED', 'e'],
    ['too deep', `d1:t2:aa1:y1:r1:rd2:id20:abcdefghij01234567891:x${'l'.repeat(10)}${'e'.repeat(10)}ee`, 'NOT_BENCODE', undefined],
  ];
  test.each(table)('%s', (_name, text, code, field) => {
    const e = thrown(() => decodeKrpc(b(text)));
    expect([e.code, e.field]).toEqual([code, field]);
  });

  test('a malformed query still carries its transaction id, so the server can answer 203', () => {
    expect(str(thrown(() => decodeKrpc(b('d1:ad2:id3:abce1:q4:ping1:t2:zz1:y1:qe'))).transactionId)).toBe('zz');
  });

  test('an oversized datagram is refused before decoding', () => {
    expect(thrown(() => decodeKrpc(new Uint8Array(9000).fill(0x64))).code).toBe('TOO_LARGE');
  });

  test('random bytes, mutated messages and truncations only ever raise DhtError', () => {
    const rnd = new SeededRandom(42);
    for (let i = 0; i < 3000; i++) {
      const junk = rnd.bytes(1 + (rnd.bytes(1)[0]! % 200));
      if (i % 3 === 0) junk[0] = 0x64; // start like a dict
      try {
        decodeKrpc(junk);
      } catch (e) {
        expect(e).toBeInstanceOf(DhtError);
      }
    }
    // Valid messages with a few bytes changed reach deeper into the decoder than random bytes do.
    for (let i = 0; i < 5000; i++) {
      const texts = Object.values(bep5);
      const bytes = b(texts[i % texts.length]!);
      for (let j = 0; j < 1 + (i % 3); j++) bytes[rnd.bytes(1)[0]! % bytes.length] = rnd.bytes(1)[0]!;
      try {
        decodeKrpc(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(DhtError);
      }
    }
    for (const text of Object.values(bep5)) {
      for (let cut = 0; cut < text.length; cut++) expect(thrown(() => decodeKrpc(b(text.slice(0, cut)))).code).toBe('NOT_BENCODE');
    }
  });
});
