// A block of status lines redrawn in place at the bottom of an interactive terminal, with one-off
// messages printed above it. Each line is rendered for the terminal's current width (less one
// column, so no line ever reaches the edge and wraps), and the block is redrawn when the terminal
// is resized.

/** Where the block is drawn: a TTY stream (process.stderr) or a test double with the same shape. */
export interface LiveStream {
  write(text: string): boolean;
  readonly columns?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface LiveLines {
  /** Marks the block out of date; it is redrawn at the next frame. */
  invalidate(): void;
  /** Prints a message above the block. */
  log(line: string): void;
  /** Draws the block a last time and leaves it on screen. */
  stop(): void;
}

const ESC = '\u001b[';
const DEFAULT_COLUMNS = 80;

export function createLiveLines(stream: LiveStream, render: (columns: number) => string[], options: { frameMs?: number } = {}): LiveLines {
  /** The lines on screen now, and the width they were drawn for. */
  let drawn: string[] = [];
  let dirty = true;
  let stopped = false;
  const columns = (): number => Math.max(20, (stream.columns ?? DEFAULT_COLUMNS) - 1);
  // Terminals (tmux, VTE, kitty) reflow a line longer than a narrowed screen onto more rows: count
  // the rows each drawn line takes at the current width to find the block's top.
  const clearBlock = (): string => {
    const width = columns() + 1;
    const rows = drawn.reduce((n, line) => n + Math.max(1, Math.ceil([...line].length / width)), 0);
    return rows > 0 ? `${ESC}${rows}F${ESC}J` : `\r${ESC}J`;
  };
  const draw = (): void => {
    const lines = render(columns());
    stream.write(`${clearBlock()}${lines.map((l) => `${l}\n`).join('')}`);
    drawn = lines;
    dirty = false;
  };
  const onResize = (): void => draw();
  const timer = setInterval(() => {
    if (dirty) draw();
  }, options.frameMs ?? 200);
  timer.unref();
  stream.on('resize', onResize);
  stream.write(`${ESC}?25l`);
  return {
    invalidate() {
      dirty = true;
    },
    log(line) {
      if (stopped) {
        stream.write(`${line}\n`);
        return;
      }
      stream.write(`${clearBlock()}${line}\n`);
      drawn = [];
      draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.off('resize', onResize);
      draw();
      stream.write(`${ESC}?25h`);
    },
  };
}
