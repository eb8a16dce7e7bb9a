// Parsing of the option values that transfers take: ports, counts, rates, file selections, peers.
import { InvalidArgumentError } from 'commander';
import { ENCRYPTION_POLICIES, isEncryptionPolicy, type EncryptionPolicy } from '@typetorrent/engine';
import { parseSize } from './format/size.js';

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** A count of threads: 0 (none, work on the event loop) to 16. */
export function parseThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new InvalidArgumentError('expected a whole number from 0 to 16');
  return n;
}

/** A rate in bytes per second: '0' (unlimited), '500K', '2M', '1.5M' (binary units, per second). */
export function parseRate(text: string): number {
  if (/^0+$/.test(text.trim())) return 0;
  const bytes = parseSize(text.replace(/\/s$/i, ''));
  if (bytes === undefined) throw new InvalidArgumentError('a rate is bytes per second, like 500K or 2M (0 for unlimited)');
  return bytes;
}

/** File indices as `typetorrent info` numbers them: '0,2,5-7'. */
export function parseFileSelection(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (range === null) throw new InvalidArgumentError(`"${part}" is not a file index or a range like 2-5`);
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (last < first) throw new InvalidArgumentError(`range "${part}" ends before it starts`);
    if (last - first > 1_000_000) throw new InvalidArgumentError(`range "${part}" is too large`);
    for (let i = first; i <= last; i++) out.add(i);
  }
  if (out.size === 0) throw new InvalidArgumentError('no files selected');
  return [...out].sort((a, b) => a - b);
}

/** 'host:port', '[v6]:port'. */
export function parseEndpoint(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535) throw new InvalidArgumentError('a peer is host:port, like 127.0.0.1:6881 or [::1]:6881');
  return { host: m[1] ?? m[2]!, port };
}

/** --encryption: prefer (the default), require or disable. */
export function parseEncryption(text: string): EncryptionPolicy {
  if (!isEncryptionPolicy(text)) throw new InvalidArgumentError(`expected one of ${ENCRYPTION_POLICIES.join(', ')}`);
  return text;
}

export const ENCRYPTION_HELP =
  'peer encryption (MSE/PE, RC4): prefer = encrypt when the peer can, plaintext otherwise; require = refuse plaintext peers; disable = never encrypt';

/** Commander collector for repeatable options. */
export function collect<T>(parse: (text: string) => T): (text: string, previous: T[] | undefined) => T[] {
  return (text, previous) => [...(previous ?? []), parse(text)];
}
