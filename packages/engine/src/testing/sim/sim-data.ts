// The torrent a simulated swarm shares, and the storage its nodes keep it in (test helper, not
// exported by the package): seeded data in memory, seeds' storage filled before the check, and
// storage that lies once armed: reads of some pieces come back corrupted, or never come back.
import { createTorrent, fillSeeded, type Metainfo } from '@typetorrent/metainfo';
import { MemoryStorage, type Storage, type StorageFactory } from '@typetorrent/storage';

export interface SimTorrent {
  readonly metainfo: Metainfo;
  readonly data: Uint8Array;
}

export const SIM_ANNOUNCE_URL = 'http://tracker.sim/announce';

export async function makeSimTorrent(options: { size: number; pieceLength: number; seed: number }): Promise<SimTorrent> {
  const data = fillSeeded(new Uint8Array(options.size), options.seed);
  const created = await createTorrent(
    {
      kind: 'file',
      name: 'sim.bin',
      length: data.length,
      read: async function* () {
        yield data;
      },
    },
    { pieceLength: options.pieceLength, trackers: [[SIM_ANNOUNCE_URL]] },
  );
  return { metainfo: created.metainfo, data };
}

/** What a node's storage saw: pieces it was asked to read (its uploads, plus its own check). */
export interface StorageLog {
  readonly piecesRead: Set<number>;
}

export interface SimStorageOptions {
  /** Start with every piece (a seed). */
  readonly complete: boolean;
  /** When armed, reads of pieces this accepts come back with one byte flipped per block. */
  readonly corrupt?: (piece: number) => boolean;
  /** When armed, reads never finish: the node claims pieces and never sends them. */
  readonly hollow?: boolean;
}

/** A storage factory for one node, and the switch that makes a liar start lying (after its check). */
export function simStorage(torrent: SimTorrent, options: SimStorageOptions, onIo: () => void = () => undefined): { factory: StorageFactory; log: StorageLog; arm(): void } {
  const log: StorageLog = { piecesRead: new Set() };
  let armed = false;
  const factory: StorageFactory = async (described) => {
    const memory = new MemoryStorage(described);
    if (options.complete) {
      const geometry = torrent.metainfo.geometry;
      for (let piece = 0; piece < geometry.pieceCount; piece++) {
        const start = geometry.pieceOffset(piece);
        await memory.write(piece, 0, torrent.data.subarray(start, start + geometry.pieceSize(piece)));
      }
    }
    const storage: Storage = {
      read: async (piece, begin, into, io) => {
        onIo();
        if (armed && options.hollow === true) return await new Promise<Uint8Array>(() => undefined);
        const read = await memory.read(piece, begin, into, io);
        if (armed) log.piecesRead.add(piece);
        if (armed && options.corrupt?.(piece) === true && read.length > 0) read[0] = read[0]! ^ 0xff;
        return read;
      },
      write: async (piece, begin, data, io) => {
        onIo();
        await memory.write(piece, begin, data, io);
      },
      flush: (io) => memory.flush(io),
      close: () => memory.close(),
    };
    return storage;
  };
  return {
    factory,
    log,
    arm: () => {
      armed = true;
    },
  };
}
