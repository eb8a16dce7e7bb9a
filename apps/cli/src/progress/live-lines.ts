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
  let drawn = 0;
  let dirty = true;
  let stopped = false;
  const columns = (): number => Math.max(20, (stream.columns ?? DEFAULT_COLUMNS) - 1);
  const clearBlock = (): string => (drawn > 0 ? `${ESC}${drawn}F${ESC}J` : `\r${ESC}J`);
  const draw = (): void => {
    const lines = render(columns());
    stream.write(`${clearBlock()}${lines.map((l) => `${l}\n`).join('')}`);
    drawn = lines.length;
    dirty = false;
  };
  const onResize = (): void => {
    // Lines drawn for the old width may have wrapped or reflowed: clear below the block's top too.
    draw();
  };
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
      drawn = 0;
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
