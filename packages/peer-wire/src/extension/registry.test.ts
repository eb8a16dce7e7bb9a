import { expect, test } from '@jest/globals';
import { ExtensionRegistry } from './registry.js';

test('incoming ids are ours, outgoing ids are the peer’s (BEP 10)', () => {
  const registry = new ExtensionRegistry({ ut_metadata: 3, ut_pex: 1 });
  registry.applyRemote(new Map([['ut_metadata', 2], ['lt_donthave', 7]]));
  expect(registry.nameOfIncoming(3)).toBe('ut_metadata');
  expect(registry.nameOfIncoming(2)).toBeUndefined();
  expect(registry.outgoingId('ut_metadata')).toBe(2);
  expect(registry.outgoingId('ut_pex')).toBeUndefined();
  expect(registry.isActive('ut_metadata')).toBe(true);
  expect(registry.isActive('ut_pex')).toBe(false);
  expect(registry.isActive('lt_donthave')).toBe(false);
});

test('later handshakes are additive and id 0 disables an extension', () => {
  const registry = new ExtensionRegistry([['ut_metadata', 3], ['ut_pex', 1]]);
  registry.applyRemote(new Map([['ut_metadata', 2]]));
  registry.applyRemote(new Map([['ut_pex', 9]]));
  expect(registry.outgoingId('ut_metadata')).toBe(2);
  expect(registry.outgoingId('ut_pex')).toBe(9);
  registry.applyRemote(new Map([['ut_metadata', 0]]));
  expect(registry.outgoingId('ut_metadata')).toBeUndefined();
  expect(registry.outgoingId('ut_pex')).toBe(9);
});

test('localMap is what our handshake announces', () => {
  expect(new ExtensionRegistry({ ut_metadata: 3 }).localMap()).toEqual(new Map([['ut_metadata', 3]]));
});

test.each([
  ['id 0', { a: 0 }],
  ['id 256', { a: 256 }],
  ['a shared id', { a: 1, b: 1 }],
])('local ids must be distinct and in 1..255: %s is refused', (_name, local) => {
  expect(() => new ExtensionRegistry(local)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
});
