// `typetorrent info <file.torrent | magnet>`: what a torrent or magnet holds, for people or (--json)
// for scripts.
import type { Command } from 'commander';
import { magnetInfoJson, torrentInfoJson } from '../format/info-json.js';
import { magnetInfoText, torrentInfoText } from '../format/info-text.js';
import { jsonText } from '../format/terminal-text.js';
import { processTerminal } from '../terminal.js';
import type { Terminal } from '../terminal.js';
import { loadTorrentInput } from '../torrent-input.js';

export interface InfoOptions {
  readonly json?: boolean;
}

export async function runInfo(source: string, options: InfoOptions, terminal: Terminal): Promise<void> {
  const input = await loadTorrentInput(source);
  if (options.json === true) {
    const json = input.kind === 'torrent' ? torrentInfoJson(input.metainfo) : magnetInfoJson(input.magnet);
    terminal.out(jsonText(json, 2));
    return;
  }
  const lines = input.kind === 'torrent' ? torrentInfoText(input.metainfo) : magnetInfoText(input.magnet);
  for (const line of lines) terminal.out(line);
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show what a .torrent file or magnet link holds: name, info-hash, size, pieces, files, trackers')
    .argument('<torrent>', 'a .torrent file, or a magnet link (quote it: it contains &)')
    .option('--json', 'print one JSON object instead (shape documented in the CLI README; has a "schema" number)')
    .addHelpText('after', [
      '',
      'Examples:',
      '  typetorrent info ubuntu.iso.torrent',
      '  typetorrent info --json ubuntu.iso.torrent | jq .infoHash',
      "  typetorrent info 'magnet:?xt=urn:btih:...&dn=name'",
    ].join('\n'))
    .action(async (source: string, options: InfoOptions) => {
      await runInfo(source, options, processTerminal());
    });
}
