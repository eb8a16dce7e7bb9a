// Text that comes from a torrent, a magnet link or a tracker is chosen by whoever made it, and a
// terminal obeys some of it: ESC starts sequences that clear the screen, retitle the window or set
// the clipboard, CR and LF forge extra output lines, and bidi overrides make 'gpj.exe' display as
// 'exe.jpg'. Every such string goes through `printable` before the human-readable output prints it.
// JSON output needs nothing: JSON.stringify already escapes C0 controls, and a parser reads the rest.

/** C0 controls, DEL and C1 controls (\p{Cc}), and the bidi embedding, override and isolate characters. */
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with each control or bidi character shown as a visible escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
