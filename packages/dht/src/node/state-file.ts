// The routing table on disk, so a restart can skip the bootstrap routers. JSON, written to a temp
// file and renamed over the old one, so a crash mid-write never leaves a torn file.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Address } from '../env.js';
import { DhtError } from '../errors.js';
import { hexToId, idToHex } from '../ids.js';
import { parseIp } from '../ip.js';
import type { NodeInfo } from '../krpc/compact.js';

export interface DhtState {
  readonly id: Uint8Array;
  readonly nodes: readonly NodeInfo[];
}

interface StateJson {
  version: 1;
  id: string;
  nodes: { id: string; host: string; port: number }[];
}

/** Most nodes read back from a file (a full table of 160 buckets is 1,280; anything beyond is not ours). */
const MAX_SAVED_NODES = 2000;

export async function saveState(file: string, state: DhtState): Promise<void> {
  const json: StateJson = {
    version: 1,
    id: idToHex(state.id),
    nodes: state.nodes.map((n) => ({ id: idToHex(n.id), host: n.address.host, port: n.address.port })),
  };
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(temp, `${JSON.stringify(json)}\n`);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new DhtError('STATE_FILE', `cannot write ${file}`, { cause: e });
  }
}

/** Reads a saved state; undefined when the file does not exist. Entries that do not parse are skipped. */
export async function loadState(file: string): Promise<DhtState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DhtError('STATE_FILE', `cannot read ${file}`, { cause: e });
  }
  let json: Partial<StateJson>;
  try {
    json = JSON.parse(text) as Partial<StateJson>;
  } catch (e) {
    throw new DhtError('STATE_FILE', `${file} is not JSON`, { cause: e });
  }
  const id = typeof json.id === 'string' ? hexToId(json.id) : undefined;
  if (json.version !== 1 || !id || !Array.isArray(json.nodes)) throw new DhtError('STATE_FILE', `${file} is not a DHT state file`);
  const nodes: NodeInfo[] = [];
  for (const n of json.nodes.slice(0, MAX_SAVED_NODES)) {
    const nodeId = typeof n?.id === 'string' ? hexToId(n.id) : undefined;
    const ok = nodeId && typeof n.host === 'string' && parseIp(n.host) && Number.isInteger(n.port) && n.port > 0 && n.port < 65536;
    if (ok) nodes.push({ id: nodeId, address: { host: n.host, port: n.port } satisfies Address });
  }
  return { id, nodes };
}
