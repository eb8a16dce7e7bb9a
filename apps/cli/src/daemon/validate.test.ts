import { describe, expect, it } from '@jest/globals';
import { ApiError } from './api-error.js';
import { parseAddRequest, parsePrioritiesRequest, parseSessionPatch } from './validate.js';

const MAGNET = 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567';

function failure(run: () => unknown): { status: number; code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('POST /torrents body', () => {
  it('takes a magnet with options', () => {
    expect(parseAddRequest({ magnet: MAGNET, paused: true, downloadDir: '/data', peers: ['127.0.0.1:6881', '[::1]:7000'] })).toEqual({
      source: { kind: 'magnet', uri: MAGNET },
      downloadDir: '/data',
      paused: true,
      sequential: false,
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '::1', port: 7000 },
      ],
    });
  });

  it('decodes a base64 torrent and sorts the file selection', () => {
    const request = parseAddRequest({ torrent: Buffer.from('d4:infoe').toString('base64'), files: [3, 1, 3] });
    expect(request.source).toEqual({ kind: 'torrent', bytes: new Uint8Array(Buffer.from('d4:infoe')) });
    expect(request.files).toEqual([1, 3]);
  });

  it.each([
    ['not an object', [], '(body)'],
    ['neither source', {}, undefined],
    ['both sources', { magnet: MAGNET, torrent: 'AAAA' }, undefined],
    ['a magnet that is not one', { magnet: 'http://x' }, 'magnet'],
    ['bad base64', { torrent: 'a$b=' }, 'torrent'],
    ['a relative folder', { magnet: MAGNET, downloadDir: 'rel/dir' }, 'downloadDir'],
    ['paused as a string', { magnet: MAGNET, paused: 'yes' }, 'paused'],
    ['a negative file index', { magnet: MAGNET, files: [-1] }, 'files[0]'],
    ['an empty selection', { magnet: MAGNET, files: [] }, 'files'],
    ['a peer without a port', { magnet: MAGNET, peers: ['127.0.0.1'] }, 'peers[0]'],
    ['an unknown field', { magnet: MAGNET, label: 'x' }, 'label'],
  ])('refuses %s with a 400 naming the field', (_what, body, field) => {
    const f = failure(() => parseAddRequest(body));
    expect(f.status).toBe(400);
    expect(f.field).toBe(field);
  });
});

describe('priorities and session bodies', () => {
  it('takes one priority per file, 0 to 7', () => {
    expect(parsePrioritiesRequest({ priorities: [0, 4, 7] })).toEqual([0, 4, 7]);
    expect(failure(() => parsePrioritiesRequest({ priorities: [8] })).field).toBe('priorities[0]');
    expect(failure(() => parsePrioritiesRequest({ priorities: [1.5] })).field).toBe('priorities[0]');
    expect(failure(() => parsePrioritiesRequest({})).field).toBe('priorities');
  });

  it('takes session limits in bytes per second', () => {
    expect(parseSessionPatch({ limits: { download: 1024, upload: 0 } })).toEqual({ limits: { download: 1024, upload: 0 } });
    expect(parseSessionPatch({})).toEqual({});
    expect(failure(() => parseSessionPatch({ limits: { download: -1 } })).field).toBe('limits.download');
    expect(failure(() => parseSessionPatch({ limits: { sideways: 1 } })).field).toBe('limits.sideways');
  });

  it('takes active limits: a whole number of at least 1, or null for none', () => {
    expect(parseSessionPatch({ activeLimits: { downloads: 2, seeds: null } })).toEqual({ activeLimits: { downloads: 2, seeds: null } });
    expect(parseSessionPatch({ limits: { upload: 1 }, activeLimits: {} })).toEqual({ limits: { upload: 1 }, activeLimits: {} });
    expect(failure(() => parseSessionPatch({ activeLimits: { downloads: 0 } })).field).toBe('activeLimits.downloads');
    expect(failure(() => parseSessionPatch({ activeLimits: { total: 3 } })).field).toBe('activeLimits.total');
  });
});
