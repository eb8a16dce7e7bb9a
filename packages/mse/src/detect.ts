// An incoming connection is plaintext BitTorrent when it starts with "\x13BitTorrent protocol"
// (BEP 3); anything else may be an MSE Ya. Deciding needs only the bytes received so far.

const PROTOCOL = Uint8Array.from([19, ...new TextEncoder().encode('BitTorrent protocol')]);

/**
 * 'plaintext' when `first` is a prefix of (or starts with) the BitTorrent protocol string, 'mse' when
 * it cannot be one, 'undecided' while fewer bytes than needed are in (only an empty or matching prefix).
 */
export function looksLikePlaintextHandshake(first: Uint8Array): 'plaintext' | 'mse' | 'undecided' {
  const n = Math.min(first.length, PROTOCOL.length);
  for (let i = 0; i < n; i++) if (first[i] !== PROTOCOL[i]) return 'mse';
  return n === PROTOCOL.length ? 'plaintext' : 'undecided';
}
