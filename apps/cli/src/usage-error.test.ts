import { expect, test } from '@jest/globals';
import { usageErrorText } from './usage-error.js';

test('an invalid option value names the long flag, the value and the reason, on one line', () => {
  const text = usageErrorText({
    code: 'commander.invalidArgument',
    message: "error: option '-p, --port <n>' argument '99999' is invalid. a port is a whole number from 0 to 65535",
  });
  expect(text).toBe("--port: '99999' is invalid: a port is a whole number from 0 to 65535");
});

test('unknown options, missing values and arguments, and extra arguments read as <what>: <problem>', () => {
  expect(usageErrorText({ code: 'commander.unknownOption', message: "error: unknown option '--prot'\n(Did you mean --port?)" })).toBe(
    '--prot: unknown option (Did you mean --port?)',
  );
  expect(usageErrorText({ code: 'commander.optionMissingArgument', message: "error: option '-o, --output <dir>' argument missing" })).toBe('--output: needs a value');
  expect(usageErrorText({ code: 'commander.missingArgument', message: "error: missing required argument 'torrent'" })).toBe('<torrent>: missing (see --help)');
  expect(usageErrorText({ code: 'commander.excessArguments', message: "error: too many arguments for 'info'. Expected 1 argument but got 2." })).toBe(
    'info: too many arguments: Expected 1 argument but got 2',
  );
  expect(usageErrorText({ code: 'commander.unknownCommand', message: "error: unknown command 'dl'" })).toBe("dl: unknown command (see typetorrent --help)");
});

test('a message of a kind not mapped keeps its text without the "error: " prefix and line breaks', () => {
  expect(usageErrorText({ code: 'commander.conflictingOption', message: "error: option '--a' cannot be used with\noption '--b'" })).toBe(
    "option '--a' cannot be used with option '--b'",
  );
});
