import { describe, expect, test } from '@jest/globals';
import { minGapMs, nextIntervalMs, retryDelayMs } from './backoff.js';

const defaults = { defaultIntervalS: 1800, minimumIntervalS: 60 };

describe('nextIntervalMs', () => {
  test.each([
    ['the tracker interval', 900, undefined, 900_000],
    ['the default when the tracker names none', undefined, undefined, 1_800_000],
    ['min interval when it exceeds interval', 100, 300, 300_000],
    ['the floor against interval 0', 0, undefined, 60_000],
  ])('uses %s', (_name, interval, minInterval, expected) => {
    expect(nextIntervalMs(interval, minInterval, defaults)).toBe(expected);
  });
});

test('minGapMs is the larger of min interval and the floor', () => {
  expect(minGapMs(undefined, 60)).toBe(60_000);
  expect(minGapMs(120, 60)).toBe(120_000);
});

describe('retryDelayMs doubles per failed round up to the cap', () => {
  test.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 1_800_000],
    [1000, 1_800_000],
  ])('after %d failed rounds waits %d ms', (rounds, expected) => {
    expect(retryDelayMs(rounds, 30_000, 1_800_000)).toBe(expected);
  });
});
