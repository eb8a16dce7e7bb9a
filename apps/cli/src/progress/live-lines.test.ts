import { expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { createLiveLines, type LiveStream } from './live-lines.js';

function fakeTerminal(columns: number): LiveStream & { output: string; columns: number; emit(event: 'resize'): boolean } {
  const emitter = new EventEmitter();
  const stream = Object.assign(emitter, {
    output: '',
    columns,
    write(text: string) {
      stream.output += text;
      return true;
    },
  });
  return stream;
}

test('a line drawn for a wider screen counts as the rows it reflows onto when the screen narrows', () => {
  const terminal = fakeTerminal(100);
  const live = createLiveLines(terminal, (columns) => ['x'.repeat(columns)], { frameMs: 60_000 });
  live.log('m');
  terminal.columns = 40;
  terminal.emit('resize');
  live.stop();
  // 99 characters at 40 columns take 3 rows: the block's top is 3 rows up.
  expect(terminal.output).toContain(`${'x'.repeat(99)}\n\u001b[3F\u001b[J${'x'.repeat(39)}\n`);
});

test('the block is drawn for the width less one column, redrawn in place, and again on resize', () => {
  const terminal = fakeTerminal(80);
  const widths: number[] = [];
  const live = createLiveLines(terminal, (columns) => {
    widths.push(columns);
    return [`line at ${columns}`];
  }, { frameMs: 60_000 });
  live.log('a message');
  terminal.columns = 100;
  terminal.emit('resize');
  live.stop();
  expect(widths).toEqual([79, 99, 99]);
  // Each redraw goes back to the top of the block (CSI 1 F) and clears below (CSI J).
  expect(terminal.output).toContain('a message\n\r\u001b[Jline at 79\n\u001b[1F\u001b[Jline at 99\n');
  expect(terminal.output.startsWith('\u001b[?25l')).toBe(true);
  // stop() draws once more, from the block's top.
  expect(terminal.output).toContain('\u001b[1F\u001b[Jline at 99\n\u001b[1F');
  expect(terminal.output.endsWith('\u001b[?25h')).toBe(true);
});
