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

test('reportFatal keeps a message with newlines and escape sequences to one printable line', () => {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    reportFatal(new CliError('bad name "a\nfake line\u001b[2J"', EXIT_BAD_INPUT));
    expect(write.mock.calls.map((c) => c[0])).toEqual(['typetorrent: bad name "a\\x0afake line\\x1b[2J"\n']);
  } finally {
    write.mockRestore();
  }
});
