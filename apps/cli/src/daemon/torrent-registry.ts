// The daemon's torrents: one engine Session plus what the daemon remembers of each torrent (its
// record), kept in the state folder after every change, before the API answers. Restores the list
// at start in the state each torrent was in.
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, type Session, type Torrent, type TorrentState } from '@typetorrent/engine';
import { MetainfoError, parseMagnet, parseTorrent, type MagnetLink, type Metainfo } from '@typetorrent/metainfo';
import { ApiError, badRequest, notFound } from './api-error.js';
import { engineActiveLimit, saveDaemonState, torrentFileIn, type ActiveLimitSettings, type DaemonSettings, type SessionLimits, type TorrentRecord } from './daemon-state.js';
import { writeFileAtomic } from './atomic-file.js';
import { deleteTorrentData } from './delete-data.js';
import { verifiedBytesFromResume } from './resume-progress.js';
import { torrentFromMetadata } from './torrent-file.js';
import type { AddRequest } from './validate.js';

export interface Entry {
  readonly torrent: Torrent;
  readonly record: TorrentRecord;
  /** A paused torrent not opened since the restart: its verified bytes per its resume record. */
  readonly restoredBytes?: number;
}

/** What every torrent is added with (the daemon's flags). */
export interface TorrentDefaults {
  /** Connections per torrent (engine default 50). */
  readonly maxPeers?: number;
  /** fsync the data before `done` and at stop. */
  readonly durable?: boolean;
}

export type RegistryEvents = {
  added: [entry: Entry];
  removed: [infoHash: string];
  state: [entry: Entry, previous: TorrentState];
  progress: [entry: Entry];
  warning: [message: string];
};

export class TorrentRegistry extends EventEmitter<RegistryEvents> {
  readonly #session: Session;
  readonly #stateDir: string;
  readonly #records = new Map<string, TorrentRecord>();
  readonly #detach = new Map<string, () => void>();
  /** Info-hashes being added right now: a second add of one waits for nothing and gets 409. */
  readonly #adding = new Set<string>();
  /** Records that could not be restored (their source unreadable): reported, and kept in the file. */
  #unrestored: TorrentRecord[] = [];
  /** Verified bytes of paused torrents not opened since the restart (resume-progress.ts). */
  readonly #restoredBytes = new Map<string, number>();
  #settings: DaemonSettings;
  #saving: Promise<void> = Promise.resolve();

  readonly #defaults: TorrentDefaults;

  constructor(session: Session, stateDir: string, settings: DaemonSettings, defaults: TorrentDefaults = {}) {
    super();
    this.#defaults = defaults;
    this.#session = session;
    this.#stateDir = stateDir;
    this.#settings = settings;
  }

  get session(): Session {
    return this.#session;
  }

  get settings(): DaemonSettings {
    return this.#settings;
  }

  get resumeDir(): string {
    return path.join(this.#stateDir, 'resume');
  }

  entries(): Entry[] {
    const out: Entry[] = [];
    for (const hash of this.#records.keys()) {
      const entry = this.find(hash);
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  find(infoHash: string): Entry | undefined {
    const record = this.#records.get(infoHash);
    const torrent = record === undefined ? undefined : this.#session.get(infoHash);
    if (record === undefined || torrent === undefined) return undefined;
    const restoredBytes = this.#restoredBytes.get(infoHash);
    return restoredBytes === undefined ? { torrent, record } : { torrent, record, restoredBytes };
  }

  /** The entry for a 40-hex info-hash, or a 404. */
  entry(infoHash: string): Entry {
    const entry = this.find(infoHash.toLowerCase());
    if (entry === undefined) throw notFound(`no torrent ${infoHash.toLowerCase()} in this daemon`);
    return entry;
  }

  /** Re-adds every remembered torrent; one that cannot come back is reported and kept in the file, not lost. */
  async restore(records: readonly TorrentRecord[]): Promise<void> {
    await fs.mkdir(path.join(this.#stateDir, 'torrents'), { recursive: true });
    for (const record of records) {
      try {
        const source = await this.#storedSource(record);
        if (record.paused && 'pieceLength' in source) {
          const bytes = await verifiedBytesFromResume(this.resumeDir, source);
          if (bytes !== undefined) this.#restoredBytes.set(record.infoHash, bytes);
        }
        await this.#start(source, record, undefined);
      } catch (error) {
        this.#unrestored.push(record);
        this.emit('warning', `${record.infoHash}: not restored (kept in the list file): ${(error as Error).message}`);
      }
    }
    await this.#save();
  }

  async add(request: AddRequest): Promise<Entry> {
    const source = parseSource(request);
    const hash = source.infoHashHex;
    if (this.#adding.has(hash) || this.#records.has(hash) || this.#session.get(hash) !== undefined) throw new ApiError(409, 'CONFLICT', `${hash} is already in this daemon`);
    this.#adding.add(hash);
    try {
      return await this.#add(request, source);
    } finally {
      this.#adding.delete(hash);
    }
  }

  async #add(request: AddRequest, source: Metainfo | MagnetLink): Promise<Entry> {
    const hash = source.infoHashHex;
    if (request.files !== undefined) {
      if (!isMetainfo(source)) throw badRequest('a magnet link has no file list before its metadata arrives; add it, then set priorities', 'files');
      const bad = request.files.find((i) => i >= source.files.length);
      if (bad !== undefined) throw badRequest(`${source.name} has ${source.files.length} files; ${bad} is not one of them`, 'files');
    }
    const savePath = path.resolve(request.downloadDir ?? this.#settings.downloadDir);
    await fs.mkdir(savePath, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw badRequest(`cannot create ${savePath}: ${error.code ?? error.message}`, 'downloadDir');
    });
    const record: TorrentRecord = {
      infoHash: hash,
      ...(request.source.kind === 'magnet' ? { magnet: request.source.uri } : {}),
      savePath,
      paused: request.paused,
      ...(request.files === undefined || !isMetainfo(source) ? {} : { filePriorities: source.files.map((_, i) => (request.files!.includes(i) ? 4 : 0)) }),
      sequential: request.sequential,
      addedAt: Date.now(),
    };
    // The source file is on disk before the list names it (daemon-state.ts).
    if (request.source.kind === 'torrent') await writeFileAtomic(torrentFileIn(this.#stateDir, hash), request.source.bytes);
    let entry: Entry;
    try {
      entry = await this.#start(source, record, request.peers);
    } catch (error) {
      await fs.rm(torrentFileIn(this.#stateDir, hash), { force: true });
      throw error;
    }
    // Added again by hand: an unrestorable record of it gives way.
    this.#unrestored = this.#unrestored.filter((r) => r.infoHash !== hash);
    try {
      await this.#save();
    } catch (error) {
      // Not remembered means not added: a restart would not bring it back.
      await this.#forget(entry.torrent);
      throw error;
    }
    return entry;
  }

  async remove(infoHash: string, deleteData: boolean): Promise<void> {
    const { torrent, record } = this.entry(infoHash);
    this.#records.delete(record.infoHash);
    await this.#save();
    await this.#forget(torrent);
    await fs.rm(torrentFileIn(this.#stateDir, record.infoHash), { force: true });
    await fs.rm(path.join(this.resumeDir, `${record.infoHash}.resume`), { force: true });
    if (deleteData && torrent.metainfo !== undefined) await deleteTorrentData(record.savePath, torrent.metainfo);
    this.emit('removed', record.infoHash);
  }

  async pause(infoHash: string): Promise<Entry> {
    const entry = await this.#update(infoHash, { paused: true });
    await entry.torrent.pause();
    return entry;
  }

  async resume(infoHash: string): Promise<Entry> {
    const entry = await this.#update(infoHash, { paused: false });
    const { torrent } = entry;
    if (torrent.state === 'paused') await torrent.resume();
    else if (torrent.state === 'stopped' || torrent.state === 'error') void torrent.start().catch(() => undefined);
    return entry;
  }

  async recheck(infoHash: string): Promise<Entry> {
    const entry = this.entry(infoHash);
    if (entry.record.paused) throw new ApiError(409, 'CONFLICT', 'resume the torrent to check it');
    void entry.torrent.recheck().catch((error: Error) => this.emit('warning', `${infoHash}: recheck: ${error.message}`));
    return entry;
  }

  async setPriorities(infoHash: string, priorities: readonly number[]): Promise<Entry> {
    const { torrent } = this.entry(infoHash);
    const metainfo = torrent.metainfo;
    if (metainfo === undefined) throw new ApiError(409, 'CONFLICT', 'the file list is not known yet (the metadata is being fetched)');
    if (priorities.length !== metainfo.files.length) throw badRequest(`${metainfo.name} has ${metainfo.files.length} files; give one priority for each`, 'priorities');
    await torrent.setFilePriorities(priorities);
    return await this.#update(infoHash, { filePriorities: [...priorities] });
  }

  /**
   * Streaming a skipped file: the engine writes no data of skipped files, so the file becomes wanted
   * (normal priority, saved, as if the user had chosen it). Its bytes are then fetched first by the
   * stream's priority range (stream-priority.ts), which saves nothing.
   */
  async wantFile(infoHash: string, index: number): Promise<Entry> {
    const { torrent, record } = this.entry(infoHash);
    const metainfo = torrent.metainfo;
    if (metainfo === undefined) return { torrent, record };
    const priorities = metainfo.files.map((_, i) => (i === index ? 4 : (record.filePriorities?.[i] ?? 4)));
    await torrent.setFilePriorities(priorities);
    return await this.#update(infoHash, { filePriorities: priorities });
  }

  /**
   * Moves a torrent in the session's queue (0 first; past the end: last). The list file is kept in
   * queue order, so a restart, which adds the torrents in that order, restores it.
   */
  async moveQueue(infoHash: string, position: number): Promise<Entry> {
    const { torrent } = this.entry(infoHash);
    this.#session.moveQueue(torrent, position);
    const place = (record: TorrentRecord): number => this.#session.get(record.infoHash)?.queuePosition ?? Number.MAX_SAFE_INTEGER;
    const ordered = [...this.#records.values()].sort((a, b) => place(a) - place(b));
    this.#records.clear();
    for (const record of ordered) this.#records.set(record.infoHash, record);
    await this.#save();
    return this.entry(infoHash);
  }

  async setLimits(limits: Partial<SessionLimits>): Promise<DaemonSettings> {
    this.#settings = { ...this.#settings, limits: { ...this.#settings.limits, ...limits } };
    this.#session.setRateLimits(this.#settings.limits);
    await this.#save();
    return this.#settings;
  }

  /** Torrents downloading / seeding at once (null: no limit), applied at once and remembered. */
  async setActiveLimits(limits: ActiveLimitSettings): Promise<DaemonSettings> {
    this.#settings = { ...this.#settings, activeLimits: { ...this.#settings.activeLimits, ...limits } };
    this.#session.setActiveLimits({ downloads: engineActiveLimit(limits.downloads), seeds: engineActiveLimit(limits.seeds) });
    await this.#save();
    return this.#settings;
  }

  /** Stops listening to the torrents (the session is closed by its owner). */
  detachAll(): void {
    for (const detach of this.#detach.values()) detach();
    this.#detach.clear();
  }

  async #start(source: Metainfo | MagnetLink, record: TorrentRecord, peers: AddRequest['peers']): Promise<Entry> {
    let torrent: Torrent;
    try {
      torrent = await this.#session.add(source, {
        savePath: record.savePath,
        resumeDirectory: this.resumeDir,
        start: !record.paused,
        sequential: record.sequential,
        ...(this.#defaults.maxPeers === undefined ? {} : { maxPeers: this.#defaults.maxPeers }),
        ...(this.#defaults.durable === true ? { durable: true } : {}),
        ...(record.filePriorities === undefined ? {} : { filePriorities: record.filePriorities }),
        ...(peers === undefined ? {} : { peers }),
      });
    } catch (error) {
      if (error instanceof EngineError && error.code === 'DUPLICATE_TORRENT') throw new ApiError(409, 'CONFLICT', error.message);
      if (error instanceof EngineError && (error.code === 'BAD_TORRENT' || error.code === 'INVALID_ARGUMENT')) throw new ApiError(400, 'INVALID_TORRENT', error.message);
      throw error;
    }
    this.#records.set(record.infoHash, record);
    this.#watch(torrent);
    const entry = { torrent, record };
    this.emit('added', entry);
    return entry;
  }

  #watch(torrent: Torrent): void {
    const hash = torrent.infoHashHex;
    const current = (): Entry | undefined => this.find(hash);
    const onState = (_status: unknown, previous: TorrentState): void => {
      // Opened: the engine knows the pieces from now on.
      if (torrent.state !== 'stopped') this.#restoredBytes.delete(hash);
      const entry = current();
      if (entry === undefined) return;
      if (previous === 'fetching-metadata' && torrent.metainfo !== undefined) void this.#keepMetadata(entry, torrent.metainfo);
      this.emit('state', entry, previous);
    };
    const onProgress = (): void => {
      const entry = current();
      if (entry !== undefined) this.emit('progress', entry);
    };
    torrent.on('state', onState);
    torrent.on('progress', onProgress);
    this.#detach.set(hash, () => {
      torrent.off('state', onState);
      torrent.off('progress', onProgress);
    });
  }

  /** A magnet's metadata arrived: keep it as a .torrent so a restart needs no fetch. */
  async #keepMetadata(entry: Entry, metainfo: Metainfo): Promise<void> {
    const magnet = entry.record.magnet;
    if (magnet === undefined) return;
    try {
      await writeFileAtomic(torrentFileIn(this.#stateDir, entry.record.infoHash), torrentFromMetadata(metainfo, parseMagnet(magnet).trackers));
    } catch (error) {
      this.emit('warning', `${entry.record.infoHash}: could not keep the metadata: ${(error as Error).message}`);
    }
  }

  async #storedSource(record: TorrentRecord): Promise<Metainfo | MagnetLink> {
    try {
      return parseTorrent(await fs.readFile(torrentFileIn(this.#stateDir, record.infoHash)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || record.magnet === undefined) throw error;
      return parseMagnet(record.magnet);
    }
  }

  async #update(infoHash: string, change: Partial<TorrentRecord>): Promise<Entry> {
    const { torrent, record } = this.entry(infoHash);
    const updated = { ...record, ...change };
    this.#records.set(record.infoHash, updated);
    await this.#save();
    return this.find(record.infoHash) ?? { torrent, record: updated };
  }

  async #forget(torrent: Torrent): Promise<void> {
    this.#detach.get(torrent.infoHashHex)?.();
    this.#detach.delete(torrent.infoHashHex);
    this.#records.delete(torrent.infoHashHex);
    this.#restoredBytes.delete(torrent.infoHashHex);
    await this.#session.remove(torrent);
  }

  /** Writes daemon.json; writes run one at a time, each with the list as it is when it starts. */
  async #save(): Promise<void> {
    const run = this.#saving.catch(() => undefined).then(async () => await saveDaemonState(this.#stateDir, { settings: this.#settings, torrents: [...this.#records.values(), ...this.#unrestored] }));
    this.#saving = run;
    await run;
  }
}

function parseSource(request: AddRequest): Metainfo | MagnetLink {
  try {
    return request.source.kind === 'magnet' ? parseMagnet(request.source.uri) : parseTorrent(request.source.bytes);
  } catch (error) {
    if (error instanceof MetainfoError) throw new ApiError(400, 'INVALID_TORRENT', error.message, request.source.kind);
    throw error;
  }
}

function isMetainfo(source: Metainfo | MagnetLink): source is Metainfo {
  return 'pieceLength' in source;
}
