// The BT-SEARCH message of Local Service Discovery (BEP 14): an HTTP-like request sent by UDP
// multicast saying "I serve these info-hashes on this TCP port". No I/O here: bytes in, values out.
// Header names are matched without regard to case (libtorrent writes `cookie`, the BEP `Cookie`).
import { EngineError } from '../errors.js';

export const LSD_PORT = 6771;
export const LSD_GROUP_V4 = '239.192.152.143';
export const LSD_GROUP_V6 = 'ff15::efc0:988f';
/** Larger datagrams are not announces (one info-hash takes about 150 bytes); they are dropped unread. */
export const MAX_LSD_MESSAGE_BYTES = 1400;
/** Info-hashes read from one message; the rest are ignored (nothing a peer sends costs us more). */
export const MAX_LSD_INFO_HASHES = 8;

const REQUEST_LINE = 'BT-SEARCH * HTTP/1.1';
const HEX_INFO_HASH = /^[0-9a-fA-F]{40}$/;
const COOKIE = /^[\x21-\x7e]{1,64}$/;

export interface LsdAnnounce {
  /** The TCP port the sender serves these torrents on. */
  readonly port: number;
  /** Lower-case hex info-hashes. */
  readonly infoHashes: readonly string[];
  /** The sender's cookie, by which a client knows its own announces coming back. */
  readonly cookie: string | undefined;
}

export function encodeLsdAnnounce(announce: LsdAnnounce, family: 4 | 6): Uint8Array {
  const host = family === 4 ? `${LSD_GROUP_V4}:${LSD_PORT}` : `[${LSD_GROUP_V6}]:${LSD_PORT}`;
  if (!Number.isInteger(announce.port) || announce.port < 1 || announce.port > 0xffff) throw lsdError(`port must be 1..65535, got ${announce.port}`);
  const lines = [REQUEST_LINE, `Host: ${host}`, `Port: ${announce.port}`];
  for (const infoHash of announce.infoHashes) {
    if (!HEX_INFO_HASH.test(infoHash)) throw lsdError('an info-hash must be 40 hex digits');
    lines.push(`Infohash: ${infoHash.toLowerCase()}`);
  }
  if (announce.cookie !== undefined) {
    if (!COOKIE.test(announce.cookie)) throw lsdError('a cookie is 1 to 64 printable characters without spaces');
    lines.push(`cookie: ${announce.cookie}`);
  }
  // BEP 14 ends the message with an empty line after the header block's own.
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\n\r\n`);
}

/** Reads one datagram; anything that is not a well-formed BT-SEARCH is an EngineError (PROTOCOL) naming the field. */
export function decodeLsdAnnounce(bytes: Uint8Array): LsdAnnounce {
  if (bytes.length > MAX_LSD_MESSAGE_BYTES) throw lsdError(`message of ${bytes.length} bytes, more than ${MAX_LSD_MESSAGE_BYTES}`);
  const text = latin1(bytes);
  const lines = text.split(/\r?\n/);
  if (lines[0] !== REQUEST_LINE) throw lsdError('request line: not BT-SEARCH * HTTP/1.1');
  let port: number | undefined;
  let cookie: string | undefined;
  const infoHashes: string[] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw lsdError('header line without a name');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 0xffff) throw lsdError('Port header: not 1..65535');
      port = Number(value);
    } else if (name === 'infohash') {
      if (!HEX_INFO_HASH.test(value)) throw lsdError('Infohash header: not 40 hex digits');
      const hex = value.toLowerCase();
      if (infoHashes.length < MAX_LSD_INFO_HASHES && !infoHashes.includes(hex)) infoHashes.push(hex);
    } else if (name === 'cookie') {
      cookie = value;
    }
  }
  if (port === undefined) throw lsdError('Port header missing');
  if (infoHashes.length === 0) throw lsdError('Infohash header missing');
  return { port, infoHashes, cookie };
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function lsdError(message: string): EngineError {
  return new EngineError('PROTOCOL', `LSD: ${message}`);
}
