import { expect, test } from '@jest/globals';
import { decodeUtPex, encodeUtPex, PexFlag } from './ut-pex.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...ascii(p)] : p)));

test('decodes IPv4 and IPv6 added peers with their flags, and dropped peers', () => {
  const payload = bytes(
    'd5:added12:',
    [127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 80],
    '7:added.f2:',
    [PexFlag.seed | PexFlag.reachable, 0],
    '6:added618:',
    [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1a, 0xe1],
    '8:added6.f1:',
    [PexFlag.utp],
    '7:dropped6:',
    [192, 168, 1, 1, 0, 1],
    'e',
  );
  expect(decodeUtPex(payload)).toEqual({
    added: [
      { host: '127.0.0.1', port: 6881, family: 4, flags: 0x12 },
      { host: '10.0.0.2', port: 80, family: 4, flags: 0 },
      { host: '2001:db8::1', port: 6881, family: 6, flags: 0x04 },
    ],
    dropped: [{ host: '192.168.1.1', port: 1, family: 4, flags: 0 }],
  });
});

test('added.f is optional', () => {
  expect(decodeUtPex(bytes('d5:added6:', [1, 2, 3, 4, 0, 5], 'e')).added).toEqual([{ host: '1.2.3.4', port: 5, family: 4, flags: 0 }]);
});

test('encode then decode gives the same peers, split by address family', () => {
  const message = {
    added: [
      { host: '1.2.3.4', port: 6881, family: 4 as const, flags: PexFlag.encryption },
      { host: '::1', port: 51413, family: 6 as const, flags: PexFlag.holepunch },
    ],
    dropped: [
      { host: '5.6.7.8', port: 1, family: 4 as const, flags: 0 },
      { host: 'fe80::1:2', port: 2, family: 6 as const, flags: 0 },
    ],
  };
  expect(decodeUtPex(encodeUtPex(message))).toEqual(message);
});

test('an empty message still carries the added and dropped keys', () => {
  expect(new TextDecoder().decode(encodeUtPex({}))).toBe('d5:added0:7:added.f0:7:dropped0:e');
});

test('more added peers than the cap (IPv4 and IPv6 together) are fatal', () => {
  const v4 = encodeUtPex({ added: Array.from({ length: 150 }, (_, i) => ({ host: `10.0.0.${i}`, port: 1 })) });
  expect(decodeUtPex(v4).added).toHaveLength(150);
  const both = encodeUtPex({
    added: [
      ...Array.from({ length: 150 }, (_, i) => ({ host: `10.0.0.${i}`, port: 1 })),
      ...Array.from({ length: 51 }, (_, i) => ({ host: `2001:db8::${i + 1}`, port: 1 })),
    ],
  }, { maxPeers: 201 });
  expect(() => decodeUtPex(both)).toThrow(expect.objectContaining({ code: 'bad-ut-pex', fatal: true, field: 'added' }));
  expect(decodeUtPex(both, { maxPeers: 201 }).added).toHaveLength(201);
});

test('encodeUtPex refuses to send more than the cap', () => {
  const added = Array.from({ length: 51 }, (_, i) => ({ host: `10.0.0.${i}`, port: 1 }));
  expect(() => encodeUtPex({ added }, { maxPeers: 50 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
});

test.each([
  ['added of 7 bytes', bytes('d5:added7:', [1, 2, 3, 4, 5, 6, 7], 'e')],
  ['added.f of the wrong length', bytes('d5:added6:', [1, 2, 3, 4, 5, 6], '7:added.f2:', [0, 0], 'e')],
  ['added6 of 17 bytes', bytes('d6:added617:', new Array<number>(17).fill(0), 'e')],
  ['dropped as an integer', bytes('d7:droppedi1ee')],
  ['a list', bytes('le')],
  ['not bencode', bytes('d5:added')],
])('%s is a fatal bad-ut-pex', (_name, payload) => {
  expect(() => decodeUtPex(payload)).toThrow(expect.objectContaining({ code: 'bad-ut-pex', fatal: true }));
});

test('port-0 entries are dropped and the flags of the others stay with their peers', () => {
  const payload = bytes('d5:added12:', [1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 9], '7:added.f2:', [PexFlag.seed, PexFlag.utp], 'e');
  expect(decodeUtPex(payload).added).toEqual([{ host: '5.6.7.8', port: 9, family: 4, flags: PexFlag.utp }]);
  const encoded = encodeUtPex({ added: [{ host: '1.1.1.1', port: 0, flags: PexFlag.seed }, { host: '2.2.2.2', port: 2, flags: PexFlag.utp }] });
  expect(decodeUtPex(encoded).added).toEqual([{ host: '2.2.2.2', port: 2, family: 4, flags: PexFlag.utp }]);
});

test('an IPv4-mapped entry of added6 is the IPv4 peer, spelled as a tracker spells it', () => {
  const payload = bytes('d6:added618:', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1, 0x1a, 0xe1], 'e');
  expect(decodeUtPex(payload).added).toEqual([{ host: '127.0.0.1', port: 6881, family: 4, flags: 0 }]);
});

test('a host that is not an IP, or a bad port, is an invalid argument naming the field', () => {
  expect(() => encodeUtPex({ added: [{ host: 'example.org', port: 1 }] })).toThrow(expect.objectContaining({ code: 'invalid-argument', field: 'host' }));
  expect(() => encodeUtPex({ added: [{ host: '1.2.3.4', port: 70000 }] })).toThrow(expect.objectContaining({ code: 'invalid-argument', field: 'added[0].port' }));
});
