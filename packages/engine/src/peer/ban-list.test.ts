import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../testing/manual-clock.js';
import { BanList, MAX_BANS, addressKey, endpointKey, peerIdKey } from './ban-list.js';

describe('BanList', () => {
  it('bans every key given until the ban expires', () => {
    const clock = new ManualClock();
    const bans = new BanList(clock, 60_000);
    bans.ban(['127.0.0.1:6881', 'id:aa'], 'corrupt data');
    expect(bans.find('10.0.0.1:1', 'id:aa')?.reason).toBe('corrupt data');
    expect(bans.isBanned('127.0.0.1:6881')).toBe(true);
    expect(bans.isBanned('127.0.0.1:6882', undefined)).toBe(false);
    clock.advance(59_999);
    expect(bans.isBanned('127.0.0.1:6881')).toBe(true);
    clock.advance(1);
    expect(bans.isBanned('127.0.0.1:6881')).toBe(false);
    expect(bans.size).toBe(1);
  });

  it('forgets the oldest bans beyond its cap', () => {
    const bans = new BanList(new ManualClock());
    for (let i = 0; i <= MAX_BANS; i++) bans.ban([`k${i}`], 'x');
    expect(bans.size).toBe(MAX_BANS);
    expect(bans.isBanned('k0')).toBe(false);
    expect(bans.isBanned(`k${MAX_BANS}`)).toBe(true);
  });

  it('keys endpoints by address and port, IPv6 in brackets, IPv4-mapped as IPv4', () => {
    expect(endpointKey('127.0.0.1', 1)).toBe('127.0.0.1:1');
    expect(endpointKey('::1', 2)).toBe('[::1]:2');
    expect(endpointKey('::ffff:127.0.0.1', 3)).toBe('127.0.0.1:3');
    expect(peerIdKey(Uint8Array.of(0xab, 0x01))).toBe('id:ab01');
  });
});

describe('addressKey', () => {
  it('names a whole address, IPv4-mapped or not, so a new port or peer id does not walk past a ban', () => {
    expect(addressKey('10.1.2.3')).toBe('ip:10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('ip:10.1.2.3');
    expect(addressKey('2001:db8::1')).toBe('ip:2001:db8::1');
  });

  it('gives no key for loopback addresses, which every local process shares', () => {
    expect(addressKey('127.0.0.1')).toBeUndefined();
    expect(addressKey('::1')).toBeUndefined();
    expect(addressKey('::ffff:127.0.0.1')).toBeUndefined();
    expect(addressKey(undefined)).toBeUndefined();
  });
});
