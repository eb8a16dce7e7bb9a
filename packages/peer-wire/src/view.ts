// DataViews for big-endian fields without one allocation per message: encoders are called with the
// same output buffer over and over, so a one-entry cache makes the hot path allocation-free.
let lastBuffer: Uint8Array | undefined;
let lastView: DataView | undefined;

export function viewOf(buf: Uint8Array): DataView {
  if (buf !== lastBuffer || lastView === undefined) {
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    lastBuffer = buf;
  }
  return lastView;
}
