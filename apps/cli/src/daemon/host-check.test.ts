import { describe, expect, it } from '@jest/globals';
import { hostAllowed, hostOfHeader, hostPolicy, isLoopbackHost, originAllowed, parseListenAddress } from './host-check.js';

describe('listen addresses', () => {
  it('parses host:port, [v6]:port and a bare port (on 127.0.0.1)', () => {
    expect(parseListenAddress('127.0.0.1:9091')).toEqual({ host: '127.0.0.1', port: 9091 });
    expect(parseListenAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListenAddress('9091')).toEqual({ host: '127.0.0.1', port: 9091 });
    expect(parseListenAddress('Localhost:0')).toEqual({ host: 'localhost', port: 0 });
  });

  it('refuses ports over 65535 and malformed text', () => {
    expect(parseListenAddress('127.0.0.1:70000')).toBeUndefined();
    expect(parseListenAddress('a:b:c')).toBeUndefined();
    expect(parseListenAddress('[nope]:1')).toBeUndefined();
    expect(parseListenAddress('')).toBeUndefined();
  });

  it('tells loopback addresses from others', () => {
    for (const h of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('Host header check (DNS rebinding)', () => {
  const allowed = hostPolicy({ host: '127.0.0.1', port: 9091 }, ['My-Box.lan.']);

  it('takes the host part of name:port, [v6]:port and bare names', () => {
    expect(hostOfHeader('example.com:9091')).toBe('example.com');
    expect(hostOfHeader('[::1]:9091')).toBe('::1');
    expect(hostOfHeader('LOCALHOST')).toBe('localhost');
    expect(hostOfHeader('a b')).toBeUndefined();
    expect(hostOfHeader('user@host')).toBeUndefined();
  });

  it('lets through the listen address, localhost, 127.0.0.1, [::1] and allowed names, with any port', () => {
    for (const h of ['127.0.0.1:9091', 'localhost:9091', '[::1]:9091', 'localhost', 'my-box.lan:9091', 'MY-BOX.LAN.']) expect(hostAllowed(h, allowed)).toBe(true);
  });

  it('refuses other names, a missing Host, and 0.0.0.0 even when listening there', () => {
    for (const h of ['evil.example:9091', 'evil.example', '127.0.0.1.evil.example', '', 'localhost.evil']) expect(hostAllowed(h, allowed)).toBe(false);
    expect(hostAllowed(undefined, allowed)).toBe(false);
    expect(hostAllowed('10.0.0.5:9091', allowed)).toBe(false);
  });

  it('listening publicly, answers to any IP address (no rebinding without a name), still not to other names', () => {
    const open = hostPolicy({ host: '0.0.0.0', port: 9091 });
    for (const h of ['192.168.1.5:9091', '[fd00::5]:9091', '127.0.0.1', 'localhost:9091']) expect(hostAllowed(h, open)).toBe(true);
    for (const h of ['evil.example:9091', 'nas.lan']) expect(hostAllowed(h, open)).toBe(false);
    expect(originAllowed('http://192.168.1.5:9091', open)).toBe(true);
    expect(originAllowed('http://evil.example', open)).toBe(false);
  });

  it('accepts requests without Origin and same-host origins, refuses other origins', () => {
    expect(originAllowed(undefined, allowed)).toBe(true);
    expect(originAllowed('http://127.0.0.1:9091', allowed)).toBe(true);
    expect(originAllowed('http://[::1]:9091', allowed)).toBe(true);
    expect(originAllowed('https://evil.example', allowed)).toBe(false);
    expect(originAllowed('null', allowed)).toBe(false);
    expect(originAllowed('file://localhost', allowed)).toBe(false);
  });
});
