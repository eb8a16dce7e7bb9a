// One torrent in a session: the state machine of STATE.md and the public API around it. The phase
// (phase.ts) holds what is valid in each state; the connections (PeerHost) live across phases, so a
// magnet link keeps its peers from the metadata fetch to the download. Lifecycle calls run one at a
// time, in call order; pause and stop cut a running fetch or check short first. The lifecycle steps
// are in torrent-core.ts.
import type { Metainfo } from '@typetorrent/metainfo';
import { EngineError } from '../errors.js';
import type { Handshaken } from '../peer/handshake-io.js';
import { applyFilePriorities, filePrioritiesFrom, piecePriorities } from './open.js';
import { peerInfo } from './peer-info.js';
import { buildProgress } from './progress.js';
import { TorrentCore } from './torrent-core.js';
import type { Endpoint, PeerInfo, TorrentProgress, TorrentRateLimits, TorrentState, TorrentStatus } from './types.js';
import { whenDone } from './when-done.js';

export { DEFAULT_MAX_PEERS, type TorrentSource } from './torrent-core.js';

export class Torrent extends TorrentCore {
  /** The parsed torrent; undefined while a magnet link's metadata is being fetched. */
  get metainfo(): Metainfo | undefined {
    return this._metainfo;
  }

  /** The torrent's name (a magnet's `dn`, or the info-hash, until the metadata is known). */
  get name(): string {
    return this._metainfo?.name ?? this._magnet?.name ?? this.infoHashHex;
  }

  get state(): TorrentState {
    return this._status.state;
  }

  get status(): TorrentStatus {
    return this._status;
  }

  /** The failure behind the `error` state. */
  get error(): EngineError | undefined {
    return this._phase.kind === 'error' ? this._phase.error : undefined;
  }

  /** Every wanted piece is verified. */
  get done(): boolean {
    return this._finished;
  }

  get removed(): boolean {
    return this._removed;
  }

  /** From `stopped` or `error`: fetch the metadata if needed, check the data, then download or seed. */
  async start(): Promise<void> {
    await this._serially(async () => {
      if (this._phase.kind === 'stopped' || this._phase.kind === 'error') await this._begin(this._options.fullCheck ?? false);
    });
  }

  /** Halts all traffic (every peer disconnected, trackers told `stopped`), keeping the data open; a queued torrent leaves the queue. */
  async pause(): Promise<void> {
    this._abortWork('paused');
    await this._serially(async () => {
      const phase = this._phase;
      if (phase.kind === 'fetching' || phase.kind === 'checking' || phase.kind === 'running' || phase.kind === 'queued') {
        this._services.activeSlots?.release(this);
        if (phase.kind !== 'queued') await this._leaveActive('paused');
        this._enter({ kind: 'paused', run: phase.kind === 'running' || phase.kind === 'queued' ? phase.run : undefined }, { state: 'paused' });
      }
    });
  }

  /** Back to the state the torrent was paused from, or `queued` when the session's limits say so. */
  async resume(): Promise<void> {
    await this._serially(async () => {
      const phase = this._phase;
      if (phase.kind !== 'paused') return;
      if (phase.run === undefined) await this._begin(false);
      else if (await this._admitted(phase.run.opened.picker.isFinished ? 'seed' : 'download', phase.run)) this._run(phase.run);
    });
  }

  /** Payload bytes per second each way now (the session's queue: slow torrents do not count). Not for embedders. */
  transferRates(): { download: number; upload: number } {
    const transfer = this._running()?.transfer;
    return { download: transfer?.downloadMeter.rate() ?? 0, upload: transfer?.uploadMeter.rate() ?? 0 };
  }

  /** 0-based place in the session's queue (the order torrents start in when limits hold them back); -1 outside a session. */
  get queuePosition(): number {
    return this._services.activeSlots?.position(this) ?? -1;
  }

  /**
   * The session's queue granted this torrent a slot, or took it back (limits lowered): run, or leave
   * for `queued`. Called by the queue; not for embedders.
   */
  queueChanged(): void {
    const slots = this._services.activeSlots;
    if (slots === undefined || this._removed) return;
    if (this._phase.kind === 'fetching' && !slots.isActive(this)) this._abortWork('queued');
    this._background(async () => {
      const phase = this._phase;
      const active = slots.isActive(this);
      if (phase.kind === 'queued' && active) {
        if (phase.run === undefined) await this._begin(false);
        else this._run(phase.run);
      } else if ((phase.kind === 'running' || phase.kind === 'fetching') && !active) {
        await this._enterQueued(phase.kind === 'running' ? phase.run : undefined);
      }
    });
  }

  /** Disconnects, announces `stopped`, saves resume data and closes the files, within a bounded time. */
  async stop(): Promise<void> {
    this._abortWork('stopped');
    await this._serially(async () => await this._halt({ kind: 'stopped' }));
  }

  /** Hashes every piece again (resume data ignored), then goes on as before. */
  async recheck(): Promise<void> {
    this._abortWork('rechecking');
    await this._serially(async () => {
      await this._halt({ kind: 'stopped' });
      await this._begin(true);
    });
  }

  /** Connects to this peer (as soon as the torrent runs), besides those trackers give. */
  addPeer(peer: Endpoint): void {
    this._checkNotRemoved();
    this._manualPeers.push(peer);
    this._conn.host.swarm.add([peer], 'manual');
  }

  /** Resolves when every wanted piece is verified and flushed; rejects if the torrent fails, is removed, or `signal` fires. */
  async whenDone(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await whenDone(this, options.signal);
  }

  progress(): TorrentProgress {
    const run = this._running();
    const metainfo = this._metainfo;
    if (run === undefined && !this._counts.known && metainfo !== undefined && this._filePriorities !== undefined) {
      this._counts.estimate(piecePriorities(metainfo, this._filePriorities), metainfo.geometry);
    }
    const transfer = run?.transfer;
    return buildProgress({
      state: this._status.state,
      transfer: transfer === undefined ? undefined : { active: transfer.active, downloaded: transfer.downloaded, uploaded: transfer.uploaded, downloadRate: transfer.downloadMeter.rate(), uploadRate: transfer.uploadMeter.rate() },
      peers: this._conn.host.peers(),
      counts: this._counts,
      opened: run !== undefined || this._counts.known,
      totalBytes: this._metainfo?.totalLength ?? this._magnet?.exactLength ?? 0,
      pieceCount: this._metainfo?.pieceCount ?? 0,
      finished: this._finished,
      downloadedBefore: this._downloadedBefore,
      uploadedBefore: this._uploadedBefore,
      checked: this._checked,
    });
  }

  peers(): PeerInfo[] {
    const transfer = this._running()?.transfer;
    return [...this._conn.host.peers()].map((peer) => peerInfo(peer, transfer?.snubbed(peer) ?? false));
  }

  /** Bytes per second for this torrent; 0 or undefined: unlimited. */
  setRateLimits(limits: TorrentRateLimits): void {
    this._downloadLimiter.setRate(limits.download);
    this._uploadLimiter.setRate(limits.upload);
    this._running()?.transfer.uploader.serveAll();
  }

  setSequential(sequential: boolean): void {
    this._sequential = sequential;
    const run = this._running();
    if (run !== undefined) run.opened.picker.sequential = sequential;
  }

  /**
   * Streaming: the pieces holding bytes `start..end` (inclusive) of file `fileIndex` are requested
   * before every other piece, lowest first. One range per torrent: a later call replaces it. File
   * and piece priorities stay as they are (nothing is saved); pieces of skipped (priority 0) files
   * stay skipped. The range ends once its pieces are verified, or with `clearPriorityRange`; given
   * before the data is open, it applies once the torrent runs.
   */
  prioritizeRange(fileIndex: number, start: number, end: number): void {
    this._checkNotRemoved();
    const metainfo = this._metainfo;
    if (metainfo === undefined) throw new EngineError('INVALID_STATE', 'the files are not known before the metadata', { infoHash: this.infoHashHex });
    const file = metainfo.files[fileIndex];
    if (file === undefined || !Number.isInteger(fileIndex)) throw new EngineError('INVALID_ARGUMENT', `no file ${fileIndex} (the torrent has ${metainfo.files.length})`);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= file.length) {
      throw new EngineError('INVALID_ARGUMENT', `bytes ${start}..${end} are not inside file ${fileIndex} (${file.length} bytes)`);
    }
    this.#priorityRange = {
      first: Math.floor((file.offset + start) / metainfo.pieceLength),
      last: Math.floor((file.offset + end) / metainfo.pieceLength),
    };
    if (!this.#rangeOnOpen) {
      // The picker is made anew whenever the data is opened (start, resume from stopped, recheck).
      this.#rangeOnOpen = true;
      this.on('state', () => this.#applyPriorityRange(true));
    }
    this.#applyPriorityRange(false);
  }

  /** Ends the range of `prioritizeRange`: back to file priorities and rarest (or sequential) first. */
  clearPriorityRange(): void {
    this.#priorityRange = undefined;
    this._running()?.opened.picker.clearPriorityRange();
  }

  #priorityRange: { readonly first: number; readonly last: number } | undefined;
  #rangeOnOpen = false;
  #appliedTo: object | undefined;

  #applyPriorityRange(onlyToNewPicker: boolean): void {
    const run = this._running();
    const range = this.#priorityRange;
    if (run === undefined || range === undefined) return;
    const picker = run.opened.picker;
    if (onlyToNewPicker && this.#appliedTo === picker) return;
    this.#appliedTo = picker;
    picker.setPriorityRange(range.first, range.last);
    if (run.transfer.active) run.transfer.downloader.fillAll();
  }

  /** One priority per file, 0 (skip) to 7. Raising one of a finished torrent makes it download again. */
  async setFilePriorities(priorities: readonly number[]): Promise<void> {
    const metainfo = this._metainfo;
    if (metainfo === undefined) throw new EngineError('INVALID_STATE', 'the files are not known before the metadata', { infoHash: this.infoHashHex });
    const checked = filePrioritiesFrom(metainfo, { filePriorities: priorities });
    await this._serially(async () => {
      this._filePriorities = checked;
      const run = this._running();
      if (run === undefined) {
        this._counts.known = false; // estimated by progress(), counted when the data opens
        return;
      }
      const { opened, transfer } = run;
      await applyFilePriorities(opened, metainfo, checked);
      this._counts.recount(opened.picker, metainfo.geometry);
      if (this._finished && !opened.picker.isFinished) {
        this._finished = false;
        this._services.activeSlots?.change(this, 'download');
        if (this._status.state === 'seeding') this._setStatus({ state: 'downloading' });
        // Seeds were let go when we needed nothing more: find them again.
        this._conn.host.swarm.add(this._manualPeers, 'manual');
        this._announcer.announceNow();
      }
      if (transfer.active) for (const peer of this._conn.host.peers()) transfer.updateInterest(peer);
    });
  }

  /** An incoming connection for this torrent, its handshake read. Used by the session. */
  acceptIncoming(handshaken: Handshaken, key: string): void {
    const host = this._conn.host;
    if (!host.active) {
      handshaken.socket.destroy();
      this._services.budget.release();
      return;
    }
    host.attach(handshaken, key, 'in');
  }

  /** Stops for good; every later call throws CLOSED. Used by Session.remove and Session.close. */
  async remove(): Promise<void> {
    if (this._removed) return;
    await this.stop();
    this._conn.host.close('removed');
    this._removed = true;
    this.emit('state', this._status, this._status.state);
  }

}
