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
  expect(terminal.output.endsWith('\u001b[?25h')).toBe(true);
});
