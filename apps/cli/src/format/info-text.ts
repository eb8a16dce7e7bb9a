// The human-readable `info` output: one labelled line per fact, then trackers, web seeds and files.
// Every string that came from the torrent or magnet goes through `printable` (see terminal-text.ts).
import { formatMagnet, metainfoToMagnet, toHex } from '@typetorrent/metainfo';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import { renderFileTree } from './file-tree.js';
import { peerSourcesText } from './peer-sources.js';
import { formatBytes, groupDigits } from './size.js';
import { printable } from './terminal-text.js';

const LABEL_WIDTH = 12;

function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
}

function plural(count: number, word: string): string {
  return `${groupDigits(count)} ${word}${count === 1 ? '' : 's'}`;
}

export function torrentInfoText(meta: Metainfo): string[] {
  const dataFiles = meta.files.filter((f) => !f.padding);
  const padCount = meta.files.length - dataFiles.length;
  const lines = [
    line('name', printable(meta.name)),
    line('info-hash', meta.infoHashHex),
    ...(meta.infoHashV2 === undefined ? [] : [line('v2 hash', toHex(meta.infoHashV2))]),
    line('version', meta.version === 'hybrid' ? 'hybrid v1 + v2 (BEP 52); v1 part read' : 'v1'),
    line('size', `${formatBytes(meta.totalLength)} (${groupDigits(meta.totalLength)} bytes) in ${plural(dataFiles.length, 'file')}` +
      (padCount > 0 ? ` and ${plural(padCount, 'pad file')}` : '')),
    line('pieces', `${plural(meta.pieceCount, 'piece')} of ${formatBytes(meta.pieceLength)}` +
      (meta.geometry.lastPieceLength === meta.pieceLength ? '' : ` (last ${formatBytes(meta.geometry.lastPieceLength)})`)),
    line('private', meta.private ? 'yes (BEP 27: trackers only, no DHT, PEX or LSD)' : 'no'),
    line('peers from', peerSourcesText(meta.private, meta.announce.flat().length)),
  ];
  if (meta.creationDate !== undefined) lines.push(line('created', meta.creationDate.toISOString()));
  if (meta.createdBy !== undefined) lines.push(line('created by', printable(meta.createdBy)));
  if (meta.comment !== undefined) lines.push(line('comment', printable(meta.comment)));
  lines.push(...trackerLines(meta.announce));
  if (meta.urlList.length > 0) lines.push('web seeds:', ...meta.urlList.map((url) => `  ${printable(url)}`));
  // Indices count pad files too (the engine's and `--files`' numbering), so they are taken before filtering.
  const indexed = meta.files.map((f, index) => ({ path: meta.isMultiFile ? f.path : [meta.name], length: f.length, index, padding: f.padding })).filter((f) => !f.padding);
  lines.push('files:', ...renderFileTree(meta.isMultiFile ? `${printable(meta.name)}/` : '.', indexed).map((l) => `  ${l}`));
  for (const warning of meta.warnings) lines.push(printable(`warning: ${warning.field === '' ? '' : `${warning.field}: `}${warning.message}`));
  lines.push(line('magnet', formatMagnet(metainfoToMagnet(meta))));
  return lines;
}

function trackerLines(tiers: readonly (readonly string[])[]): string[] {
  if (tiers.length === 0) return [line('trackers', 'none')];
  return ['trackers:', ...tiers.flatMap((tier, t) => tier.map((url, i) => `  ${i === 0 ? `tier ${t + 1}:` : ''}`.padEnd(10) + printable(url)))];
}

export function magnetInfoText(magnet: MagnetLink): string[] {
  const lines = [
    line('name', magnet.name === undefined ? '(not given; comes with the metadata)' : printable(magnet.name)),
    line('info-hash', magnet.infoHashHex),
    ...magnet.multihashes.map((m) => line('v2 hash', m.slice(4))),
  ];
  if (magnet.exactLength !== undefined) {
    lines.push(line('size', `${formatBytes(magnet.exactLength)} (${groupDigits(magnet.exactLength)} bytes)`));
  }
  lines.push(line('peers from', peerSourcesText(false, magnet.trackers.length)));
  lines.push(...trackerLines(magnet.trackers.map((url) => [url])));
  if (magnet.webSeeds.length > 0) lines.push('web seeds:', ...magnet.webSeeds.map((url) => `  ${printable(url)}`));
  if (magnet.peers.length > 0) lines.push('peers:', ...magnet.peers.map((peer) => `  ${printable(peer)}`));
  lines.push('files:      unknown until the metadata is fetched from peers (BEP 9)');
  return lines;
}
