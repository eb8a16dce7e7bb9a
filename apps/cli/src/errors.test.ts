import { expect, jest, test } from '@jest/globals';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, reportFatal } from './errors.js';

test('reportFatal prints one line and returns the CliError exit code', () => {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(reportFatal(new CliError('bad torrent: pieces length 7 is not a multiple of 20', EXIT_BAD_INPUT))).toBe(EXIT_BAD_INPUT);
    expect(reportFatal(new Error('boom'))).toBe(EXIT_FAILURE);
    expect(write.mock.calls.map((c) => c[0])).toEqual([
      'typetorrent: bad torrent: pieces length 7 is not a multiple of 20\n',
      'typetorrent: boom\n',
    ]);
  } finally {
    write.mockRestore();
  }
});
