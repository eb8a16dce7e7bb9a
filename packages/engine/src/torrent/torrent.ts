// One torrent in a session: the state machine of STATE.md (checking, downloading, seeding, paused,
// stopped, error) and the public API around it. Lifecycle calls run one at a time, in call order;
// pause and stop cut a running check short first. The work while running is done by a Runtime.
import { EventEmitter } from 'node:events';
import type { Metainfo } from '@typetorrent/metainfo';
import type { Announcer } from '@typetorrent/tracker';
import type { Cancel } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import type { Handshaken } from '../peer/handshake-io.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { startAnnouncer } from './announce.js';
import { updateInterest } from './availability.js';
import { filePrioritiesFrom, materializeFiles, openTorrentData, piecePriorities, type Opened } from './open.js';
import { ByteCounts, eta } from './progress.js';
import { Runtime, peerInfo } from './runtime.js';
import type { SessionServices } from './services.js';
import type { AddTorrentOptions, Endpoint, PeerInfo, TorrentEvents, TorrentProgress, TorrentRateLimits, TorrentState, TorrentStatus } from './types.js';

export const DEFAULT_MAX_PEERS = 50;

/** Verified bytes between background flushes (see #saveEvery). */
const SAVE_EVERY_BYTES = 64 * 1024 * 1024;

export class Torrent extends EventEmitter<TorrentEvents> {
  readonly metainfo: Metainfo;
  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  readonly name: string;
  readonly savePath: string;
  readonly #options: AddTorrentOptions;
  readonly #services: SessionServices;
  readonly #downloadLimiter: RateLimiter;
  readonly #uploadLimiter: RateLimiter;
  readonly #counts = new ByteCounts();
  readonly #manualPeers: Endpoint[] = [];
  #filePriorities: number[];
  #sequential: boolean;
  #status: TorrentStatus = { state: 'stopped' };
  #opened: Opened | undefined;
  #rt: Runtime | undefined;
  #announcer: Announcer | undefined;
  #ticker: Cancel | undefined;
  #checkAbort: AbortController | undefined;
  #checked: { pieces: number; of: number } | undefined;
  #lastCheckEvent = Number.NEGATIVE_INFINITY;
  #pausedFromCheck = false;
  #completedAnnounced = false;
  #finished = false;
  #removed = false;
  /** Payload totals of earlier runtimes (a pause keeps its runtime; a stop ends it). */
  #downloadedBefore = 0;
  #uploadedBefore = 0;
  #lifecycle: Promise<void> = Promise.resolve();
  #unsavedBytes = 0;
  #saving = false;

  /** Used by Session.add; embedders add torrents through the session. */
  constructor(metainfo: Metainfo, options: AddTorrentOptions, services: SessionServices) {
    super();
    this.metainfo = metainfo;
    this.infoHash = metainfo.infoHash;
    this.infoHashHex = metainfo.infoHashHex;
    this.name = metainfo.name;
    this.savePath = options.savePath;
    this.#options = options;
    this.#services = services;
    this.#filePriorities = filePrioritiesFrom(metainfo, options);
    this.#sequential = options.sequential ?? false;
    const now = (): number => services.clock.now();
    this.#downloadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.download });
    this.#uploadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.upload });
    for (const peer of options.peers ?? []) this.#manualPeers.push(peer);
  }

  get state(): TorrentState {
    return this.#status.state;
  }

  get status(): TorrentStatus {
    return this.#status;
  }

  /** The failure behind the `error` state. */
  get error(): EngineError | undefined {
    return this.#status.state === 'error' ? this.#status.error : undefined;
  }

  /** Every wanted piece is verified. */
  get done(): boolean {
    return this.#finished;
  }

  /** From `stopped` or `error`: check the data, then download or seed. Resolves once that state is reached. */
  async start(): Promise<void> {
    await this.#serially(async () => {
      if (this.#status.state === 'stopped' || this.#status.state === 'error') await this.#check(this.#options.fullCheck ?? false);
    });
  }

  /** Halts all traffic (every peer disconnected, trackers told `stopped`), keeping the data open. */
  async pause(): Promise<void> {
    this.#checkAbort?.abort(new EngineError('ABORTED', 'paused'));
    await this.#serially(async () => {
      const state = this.#status.state;
      if (state === 'checking') {
        this.#pausedFromCheck = true;
        this.#setStatus({ state: 'paused' });
      } else if (state === 'downloading' || state === 'seeding') {
        this.#pausedFromCheck = false;
        await this.#leaveActive('paused');
        this.#setStatus({ state: 'paused' });
      }
    });
  }

  /** Back to the state the torrent was paused from. */
  async resume(): Promise<void> {
    await this.#serially(async () => {
      if (this.#status.state !== 'paused') return;
      if (this.#pausedFromCheck || this.#opened === undefined || this.#rt === undefined) await this.#check(false);
      else this.#run(this.#rt);
    });
  }

  /** Disconnects, announces `stopped`, saves resume data and closes the files, within a bounded time. */
  async stop(): Promise<void> {
    this.#checkAbort?.abort(new EngineError('ABORTED', 'stopped'));
    await this.#serially(async () => await this.#halt({ state: 'stopped' }));
  }

  /** Hashes every piece again (resume data ignored), then goes on as before. */
  async recheck(): Promise<void> {
    this.#checkAbort?.abort(new EngineError('ABORTED', 'rechecking'));
    await this.#serially(async () => {
      await this.#halt({ state: 'stopped' });
      await this.#check(true);
    });
  }

  /** Connects to this peer (as soon as the torrent runs), besides those trackers give. */
  addPeer(peer: Endpoint): void {
    this.#checkNotRemoved();
    this.#manualPeers.push(peer);
    this.#rt?.swarm.add([peer], 'manual');
  }

  /** Resolves when every wanted piece is verified; rejects if the torrent fails, is removed, or `signal` fires. */
  async whenDone(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.#finished) return;
    if (this.#status.state === 'error') throw this.#status.error;
    this.#checkNotRemoved();
    await new Promise<void>((resolve, reject) => {
      const { signal } = options;
      const cleanup = (): void => {
        this.off('done', onDone);
        this.off('state', onState);
        signal?.removeEventListener('abort', onAbort);
      };
      const onDone = (): void => {
        cleanup();
        resolve();
      };
      const onState = (status: TorrentStatus): void => {
        if (status.state === 'error' || this.#removed) {
          cleanup();
          reject(status.state === 'error' ? status.error : new EngineError('CLOSED', 'torrent removed', { infoHash: this.infoHashHex }));
        }
      };
      const onAbort = (): void => {
        cleanup();
        reject(new EngineError('ABORTED', 'stopped waiting', { cause: signal?.reason }));
      };
      if (signal?.aborted === true) return onAbort();
      this.on('done', onDone);
      this.on('state', onState);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  progress(): TorrentProgress {
    const rt = this.#rt;
    const counts = this.#counts;
    const downloaded = this.#downloadedBefore + (rt?.downloaded ?? 0);
    const uploaded = this.#uploadedBefore + (rt?.uploaded ?? 0);
    const downloadRate = rt?.active === true ? rt.downloadMeter.rate() : 0;
    let seeds = 0;
    for (const peer of rt?.peers.values() ?? []) if (peer.isSeed) seeds++;
    return {
      state: this.#status.state,
      downloaded,
      uploaded,
      verifiedBytes: counts.verifiedBytes,
      totalBytes: this.metainfo.totalLength,
      wantedBytes: this.#opened === undefined ? this.metainfo.totalLength : counts.wantedBytes,
      leftBytes: this.#opened === undefined ? this.metainfo.totalLength - counts.verifiedBytes : counts.leftBytes,
      verifiedPieces: counts.verifiedPieces,
      pieceCount: this.metainfo.pieceCount,
      downloadRate,
      uploadRate: rt?.active === true ? rt.uploadMeter.rate() : 0,
      peers: rt?.peers.size ?? 0,
      seeds,
      eta: this.#status.state === 'downloading' ? eta(counts.leftBytes, downloadRate) : this.#finished ? 0 : undefined,
      ratio: downloaded === 0 ? 0 : uploaded / downloaded,
      ...(this.#status.state === 'checking' && this.#checked !== undefined ? { checked: { ...this.#checked } } : {}),
    };
  }

  peers(): PeerInfo[] {
    return [...(this.#rt?.peers.values() ?? [])].map(peerInfo);
  }

  /** Bytes per second for this torrent; 0 or undefined: unlimited. */
  setRateLimits(limits: TorrentRateLimits): void {
    this.#downloadLimiter.setRate(limits.download);
    this.#uploadLimiter.setRate(limits.upload);
    this.#rt?.uploader.serveAll();
  }

  setSequential(sequential: boolean): void {
    this.#sequential = sequential;
    if (this.#opened !== undefined) this.#opened.picker.sequential = sequential;
  }

  /** One priority per file, 0 (skip) to 7. Raising one of a finished torrent makes it download again. */
  async setFilePriorities(priorities: readonly number[]): Promise<void> {
    const checked = filePrioritiesFrom(this.metainfo, { filePriorities: priorities });
    await this.#serially(async () => {
      const before = this.#filePriorities;
      this.#filePriorities = checked;
      const opened = this.#opened;
      if (opened === undefined) return;
      await opened.store.setWanted(checked.map((p) => p > 0));
      await materializeFiles(opened, this.metainfo, before, checked);
      opened.picker.setPiecePriorities(piecePriorities(this.metainfo, checked));
      this.#counts.recount(opened.picker, this.metainfo.geometry);
      const rt = this.#rt;
      if (this.#finished && !opened.picker.isFinished) {
        this.#finished = false;
        if (this.#status.state === 'seeding') this.#setStatus({ state: 'downloading' });
        // Seeds were let go when we needed nothing more: find them again.
        rt?.swarm.add(this.#manualPeers, 'manual');
        this.#announcer?.announceNow();
      }
      if (rt?.active === true) for (const peer of rt.peers.values()) updateInterest(rt, peer);
    });
  }

  /** An incoming connection for this torrent, its handshake read. Used by the session. */
  acceptIncoming(handshaken: Handshaken, key: string): void {
    const rt = this.#rt;
    if (rt === undefined || !rt.active) {
      handshaken.socket.destroy();
      this.#services.budget.release();
      return;
    }
    rt.attach(handshaken, key, 'in');
  }

  /** Stops for good; every later call throws CLOSED. Used by Session.remove and Session.close. */
  async remove(): Promise<void> {
    if (this.#removed) return;
    await this.stop();
    this.#removed = true;
    this.emit('state', this.#status, this.#status.state);
  }

  get removed(): boolean {
    return this.#removed;
  }

  async #check(fullCheck: boolean): Promise<void> {
    this.#checked = undefined;
    this.#setStatus({ state: 'checking' });
    const controller = new AbortController();
    this.#checkAbort = controller;
    let opened: Opened;
    try {
      opened = await openTorrentData(this.metainfo, {
        savePath: this.savePath,
        storage: this.#options.storage,
        filePriorities: this.#filePriorities,
        sequential: this.#sequential,
        fullCheck,
        memoryLimit: this.#options.memoryLimit,
        signal: controller.signal,
        onCheckProgress: (p) => this.#onCheckProgress(p.checked, p.total),
        onError: (error) => this.#warn(new EngineError('STORAGE', `saving resume data failed: ${error.message}`, { infoHash: this.infoHashHex, cause: error })),
      });
    } catch (error) {
      if (controller.signal.aborted) return; // pause or stop took over and sets the state
      this.#setStatus({ state: 'error', error: new EngineError('STORAGE', `could not open the data: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }) });
      return;
    } finally {
      this.#checkAbort = undefined;
    }
    if (controller.signal.aborted) {
      await opened.store.close().catch(() => undefined);
      return;
    }
    this.#opened = opened;
    this.#counts.recount(opened.picker, this.metainfo.geometry);
    this.#rt = new Runtime({
      metainfo: this.metainfo,
      picker: opened.picker,
      store: opened.store,
      services: this.#services,
      maxPeers: this.#options.maxPeers ?? DEFAULT_MAX_PEERS,
      downloadLimiter: this.#downloadLimiter,
      uploadLimiter: this.#uploadLimiter,
      hooks: {
        warn: (warning) => this.#warn(warning),
        peer: (event) => this.emit('peer', event),
        piece: (piece) => {
          this.#counts.verified(piece, opened.picker, this.metainfo.geometry);
          this.#saveEvery(opened, this.metainfo.geometry.pieceSize(piece));
          this.emit('piece', piece);
        },
        finished: () => this.#onFinished(),
        failed: (error) => void this.#serially(async () => await this.#halt({ state: 'error', error })),
      },
    });
    this.#finished = opened.picker.isFinished;
    if (this.#finished && this.#options.seed === false) {
      this.emit('done');
      await this.#halt({ state: 'stopped' });
      return;
    }
    this.#run(this.#rt);
    if (this.#finished) this.emit('done');
  }

  /**
   * Flushes and saves resume data after every SAVE_EVERY_BYTES verified, in the background: the
   * fsync then never has more than that to write (the one at `done` stays short), and a crash loses
   * little. One save at a time; PieceStore runs them in order.
   */
  #saveEvery(opened: Opened, bytes: number): void {
    this.#unsavedBytes += bytes;
    if (this.#unsavedBytes < SAVE_EVERY_BYTES || this.#saving) return;
    this.#unsavedBytes = 0;
    this.#saving = true;
    opened.store
      .saveResume()
      .catch((error: unknown) => this.#warn(new EngineError('STORAGE', `saving resume data failed: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error })))
      .finally(() => (this.#saving = false));
  }

  /** Enters downloading or seeding: connect, tick, announce. */
  #run(rt: Runtime): void {
    const picker = rt.picker;
    this.#setStatus(picker.isFinished ? { state: 'seeding', complete: picker.isSeed } : { state: 'downloading' });
    rt.activate();
    const { clock, tuning } = this.#services;
    this.#ticker = clock.setInterval(() => {
      rt.tick(clock.now());
      this.emit('progress', this.progress());
    }, tuning.tickMs);
    this.#announcer = this.#options.announce === false ? undefined : startAnnouncer(this.metainfo, this.#services, {
      stats: () => ({ downloaded: rt.downloaded, uploaded: rt.uploaded, left: this.#counts.leftBytes }),
      peers: (peers) => rt.swarm.add(peers, 'tracker'),
      warn: (warning) => this.#warn(warning),
    });
    if (picker.isFinished) this.#completedAnnounced = true; // nothing was downloaded: no `completed`
    rt.swarm.add(this.#manualPeers, 'manual');
  }

  #onFinished(): void {
    const rt = this.#rt;
    if (this.#finished || rt === undefined) return;
    this.#finished = true;
    if (!this.#completedAnnounced) {
      this.#completedAnnounced = true;
      this.#announcer?.completed();
    }
    // Two seeds have nothing to trade (STATE.md: seeding drops connections to seeds).
    for (const peer of [...rt.peers.values()]) {
      if (!peer.isSeed) continue;
      rt.swarm.forget(peer.key);
      rt.drop(peer, new EngineError('CLOSED', 'both ends are seeds', { peer: peer.key }));
    }
    // `done` means durable: the files are flushed (FileStorage creates empty files then) and the
    // resume data says so before anyone is told.
    void this.#serially(async () => {
      const opened = this.#opened;
      if (opened === undefined || this.#rt !== rt || !this.#finished) return;
      await this.#bounded(opened.store.saveResume(), 'saving resume data');
      if (this.#options.seed === false) {
        this.emit('done');
        await this.#halt({ state: 'stopped' });
        return;
      }
      if (this.#status.state === 'downloading') this.#setStatus({ state: 'seeding', complete: rt.picker.isSeed });
      this.emit('done');
    });
  }

  /** Leaves any state for `stopped` or `error`: peers, trackers, then the data (STATE.md order). */
  async #halt(next: TorrentStatus): Promise<void> {
    const state = this.#status.state;
    if (state === 'stopped' || (state === 'error' && next.state === 'error')) return;
    const rt = this.#rt;
    if (rt !== undefined) {
      await this.#leaveActive(next.state);
      rt.close(next.state);
      this.#downloadedBefore += rt.downloaded;
      this.#uploadedBefore += rt.uploaded;
      this.#rt = undefined;
    }
    const opened = this.#opened;
    this.#opened = undefined;
    if (opened !== undefined) {
      await this.#bounded(opened.store.close(), 'closing the data (flush and resume data)');
    }
    this.#setStatus(next);
  }

  /** Steps 1-3 of STATE.md "Leaving an active state": ticks, peers, trackers. */
  async #leaveActive(reason: string): Promise<void> {
    this.#ticker?.();
    this.#ticker = undefined;
    this.#rt?.deactivate(reason);
    const announcer = this.#announcer;
    this.#announcer = undefined;
    await announcer?.stop({ timeoutMs: this.#services.tuning.stopTimeoutMs });
  }

  async #bounded(work: Promise<unknown>, what: string): Promise<void> {
    const { clock, tuning } = this.#services;
    let cancel: Cancel | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      cancel = clock.setTimeout(() => resolve('timeout'), tuning.stopTimeoutMs);
    });
    try {
      const outcome = await Promise.race([work.then(() => 'ok' as const), timeout]);
      if (outcome === 'timeout') this.#warn(new EngineError('TIMEOUT', `${what} took longer than ${tuning.stopTimeoutMs} ms`, { infoHash: this.infoHashHex }));
    } catch (error) {
      this.#warn(new EngineError('STORAGE', `${what} failed: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }));
    } finally {
      cancel?.();
    }
  }

  #onCheckProgress(checked: number, of: number): void {
    this.#checked = { pieces: checked, of };
    const now = this.#services.clock.now();
    if (now - this.#lastCheckEvent < this.#services.tuning.tickMs / 4 && checked < of) return;
    this.#lastCheckEvent = now;
    this.emit('progress', this.progress());
  }

  #setStatus(status: TorrentStatus): void {
    const previous = this.#status.state;
    this.#status = status;
    this.emit('state', status, previous);
    this.emit('progress', this.progress());
    if (status.state === 'error' && this.listenerCount('error') > 0) this.emit('error', status.error);
  }

  #warn(warning: EngineError): void {
    this.emit('warning', warning);
  }

  #checkNotRemoved(): void {
    if (this.#removed) throw new EngineError('CLOSED', 'the torrent was removed from its session', { infoHash: this.infoHashHex });
  }

  async #serially(task: () => Promise<void>): Promise<void> {
    this.#checkNotRemoved();
    const run = this.#lifecycle.then(task);
    this.#lifecycle = run.catch(() => undefined);
    await run;
  }
}
