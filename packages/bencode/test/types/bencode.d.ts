// Types for the npm `bencode` package (4.0.1), used only as a test oracle; it ships no declarations.
declare module 'bencode' {
  interface Bencode {
    encode(value: unknown): Uint8Array;
    /** Dicts come back as plain objects with UTF-8 text keys, byte strings as Uint8Array. */
    decode(data: Uint8Array): unknown;
    byteLength(value: unknown): number;
  }
  const bencode: Bencode;
  export default bencode;
}
