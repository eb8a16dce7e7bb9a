import { expect, test } from '@jest/globals';
import { parseEncryption, parseEndpoint, parseFileSelection, parsePort, parseRate, parseThreads } from './options.js';

test('parseRate reads binary units per second and 0 as unlimited', () => {
  expect([parseRate('0'), parseRate('500K'), parseRate('2M'), parseRate('1.5M/s'), parseRate('1024')]).toEqual([0, 512000, 2097152, 1572864, 1024]);
  expect(() => parseRate('fast')).toThrow(/bytes per second/);
});

test('parseFileSelection reads indices and ranges, sorted and deduplicated', () => {
  expect(parseFileSelection('5, 0,2-4,3')).toEqual([0, 2, 3, 4, 5]);
  expect(() => parseFileSelection('4-2')).toThrow(/ends before/);
  expect(() => parseFileSelection('x')).toThrow(/not a file index/);
  expect(() => parseFileSelection('0-99999999')).toThrow(/too large/);
});

test('parsePort accepts 0 to 65535 only', () => {
  expect(parsePort('0')).toBe(0);
  expect(parsePort('6881')).toBe(6881);
  expect(() => parsePort('65536')).toThrow();
  expect(() => parsePort('-1')).toThrow();
});

test('parseEndpoint reads IPv4, names and bracketed IPv6', () => {
  expect(parseEndpoint('127.0.0.1:6881')).toEqual({ host: '127.0.0.1', port: 6881 });
  expect(parseEndpoint('[::1]:51413')).toEqual({ host: '::1', port: 51413 });
  expect(parseEndpoint('localhost:1')).toEqual({ host: 'localhost', port: 1 });
  expect(() => parseEndpoint('127.0.0.1')).toThrow(/host:port/);
  expect(() => parseEndpoint('h:0')).toThrow();
});

test('parseThreads accepts 0 (the main thread) to 16', () => {
  expect([parseThreads('0'), parseThreads('1'), parseThreads('16')]).toEqual([0, 1, 16]);
  expect(() => parseThreads('17')).toThrow(/0 to 16/);
  expect(() => parseThreads('1.5')).toThrow(/0 to 16/);
  expect(() => parseThreads('many')).toThrow(/0 to 16/);
});

test('parseEncryption takes the three policies and nothing else', () => {
  expect(['prefer', 'require', 'disable'].map(parseEncryption)).toEqual(['prefer', 'require', 'disable']);
  for (const bad of ['', 'Require', 'on', 'rc4']) expect(() => parseEncryption(bad)).toThrow('expected one of prefer, require, disable');
});
