import { expect, it } from '@jest/globals';
import { MseError } from '@typetorrent/mse';
import { EngineError } from '../errors.js';
import { mseFailure, speaksNoMse } from './mse-socket.js';

it('takes a plaintext answer, or a close or silence before any byte, as a peer without MSE', () => {
  const cases = [
    new MseError('plaintext-peer', 'x', { offset: 0 }),
    new MseError('closed', 'x', { offset: 0 }),
    new MseError('timeout', 'x', { offset: 0 }),
    new MseError('aborted', 'x', { offset: 0 }),
    new MseError('closed', 'x', { offset: 96 }),
    new MseError('bad-vc', 'x', { offset: 0 }),
  ];
  expect(cases.map((error) => speaksNoMse(error, false))).toEqual([true, true, true, true, false, false]);
  // Our own cancellation says nothing about the peer.
  expect(speaksNoMse(new MseError('aborted', 'x', { offset: 0 }), true)).toBe(false);
  expect(speaksNoMse(new Error('other'), false)).toBe(false);
});

it('reports MSE failures as engine errors, the deadline as the deadline', () => {
  const live = new AbortController().signal;
  expect(mseFailure(new MseError('timeout', 'late'), 'p', live)).toMatchObject({ code: 'HANDSHAKE_TIMEOUT', peer: 'p' });
  expect(mseFailure(new MseError('unknown-info-hash', 'x'), 'p', live)).toMatchObject({ code: 'WRONG_INFO_HASH' });
  expect(mseFailure(new MseError('sync-not-found', 'x'), 'p', live)).toMatchObject({ code: 'PROTOCOL' });
  const fired = new AbortController();
  const reason = new EngineError('HANDSHAKE_TIMEOUT', 'no handshake in time');
  fired.abort(reason);
  expect(mseFailure(new MseError('aborted', 'x'), 'p', fired.signal)).toBe(reason);
});
