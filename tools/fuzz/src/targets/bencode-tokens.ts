// Tokens shared by every target whose input is bencode: the structural letters, lengths and
// integers at edges, and the key names BitTorrent messages use.
export const BENCODE_TOKENS: readonly string[] = [
  'd', 'e', 'l', 'i', '0:', '1:', '4:', '20:', '19:', 'i0e', 'i-1e', 'i-0e', 'i01e', 'ie', 'de', 'le',
  'i4294967296e', 'i9007199254740993e', 'i-9007199254740993e', '4294967295:', 'd1:a0:e', 'l0:e',
];

export function keyTokens(keys: readonly string[]): string[] {
  return keys.map((key) => `${new TextEncoder().encode(key).length}:${key}`);
}
