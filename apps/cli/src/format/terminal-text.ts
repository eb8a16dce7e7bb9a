// Text that comes from a torrent, a magnet link, a tracker or a peer is chosen by whoever made it, and
// a terminal obeys some of it: ESC starts sequences that clear the screen, retitle the window or set
// the clipboard, CR and LF forge extra output lines, and bidi overrides make 'gpj.exe' display as
// 'exe.jpg'. Every such string goes through `printable` before the human-readable output prints it,
// and every JSON line through `jsonText`, which escapes the same characters the JSON way.

/** C0 controls, DEL and C1 controls (\p{Cc}), and the bidi embedding, override and isolate characters. */
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with each control or bidi character shown as a visible escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * `JSON.stringify(value)` with no raw control or bidi character left: JSON.stringify escapes C0 but
 * passes DEL, C1 (U+009B is a CSI to some terminals) and U+202E through, and JSON lines are printed
 * to terminals too. Outside strings JSON has none of these, so `\uXXXX` keeps it the same JSON.
 */
export function jsonText(value: unknown, indent?: number): string {
  // Raw line feeds are the indentation's (JSON.stringify escapes those inside strings).
  return JSON.stringify(value, null, indent).replace(UNPRINTABLE, (char) => (char === '\n' ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * URLs with their query and fragment replaced by `?…`: an announce request's URL carries our peer
 * id and tracker key, which are not for logs. Used for every message that can quote a request.
 */
export function withoutUrlQueries(text: string): string {
  // The query ends at a space, quote or parenthesis; a trailing '.', ',', ':' or ';' is the sentence's.
  // An already shortened `?…` is left as it is.
  return text.replace(/\b((?:https?|udp|wss?):\/\/[^\s?#()"']+)[?#](?!…)[^\s()"']*?(?=[.,:;]?(?:[\s()"']|$))/gi, '$1?…');
}
