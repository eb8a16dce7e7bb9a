// One torrent in a session: the state machine of STATE.md (fetching-metadata, checking, downloading,
// seeding, paused, stopped, error) and the public API around it. Lifecycle calls run one at a time,
// in call order; pause and stop cut a running fetch or check short first. The work while running is
// done by a Runtime; a magnet link's metadata is fetched by metadata/fetch-metadata.ts.
import { EventEmitter } from 'node:events';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import type { Cancel } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import { startFetch, type FetchPhase } from '../metadata/fetch-metadata.js';
import type { Handshaken } from '../peer/handshake-io.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { TorrentAnnouncer } from './announce.js';
import { updateInterest } from './availability.js';
import { bounded } from './bounded.js';
import { applyFilePriorities, filePrioritiesFrom, openTorrentData, type Opened } from './open.js';
import { ByteCounts, buildProgress } from './progress.js';
import { ResumeSaver } from './resume-saver.js';
import { Runtime, peerInfo } from './runtime.js';
import type { SessionServices } from './services.js';
import type { AddTorrentOptions, Endpoint, PeerInfo, TorrentEvents, TorrentProgress, TorrentRateLimits, TorrentState, TorrentStatus } from './types.js';
import { whenDone } from './when-done.js';

export const DEFAULT_MAX_PEERS = 50;

/** A .torrent's parsed form, or a magnet link whose metadata is still to come. */
export type TorrentSource = Metainfo | MagnetLink;

function isMetainfo(source: TorrentSource): source is Metainfo {
  return 'geometry' in source;
}

export class Torrent extends EventEmitter<TorrentEvents> {
  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  readonly savePath: string;
  readonly #magnet: MagnetLink | undefined;
  readonly #options: AddTorrentOptions;
  readonly #services: SessionServices;
  readonly #downloadLimiter: RateLimiter;
  readonly #uploadLimiter: RateLimiter;
  readonly #counts = new ByteCounts();
  readonly #manualPeers: Endpoint[] = [];
  #metainfo: Metainfo | undefined;
  #filePriorities: number[] | undefined;
  #sequential: boolean;
  #status: TorrentStatus = { state: 'stopped' };
  #opened: Opened | undefined;
  #rt: Runtime | undefined;
  #fetch: FetchPhase | undefined;
  readonly #announcer: TorrentAnnouncer;
  #ticker: Cancel | undefined;
  /** Aborts a fetch or check in progress (pause, stop, recheck). */
  #abort: AbortController | undefined;
  #checked: { pieces: number; of: number } | undefined;
  #lastCheckEvent = Number.NEGATIVE_INFINITY;
  /** Paused before the data was open: resume starts over from the fetch or the check. */
  #pausedEarly = false;
  #completedAnnounced = false;
  #finished = false;
  #removed = false;
  /** Payload totals of earlier runtimes (a pause keeps its runtime; a stop ends it). */
  #downloadedBefore = 0;
  #uploadedBefore = 0;
  #lifecycle: Promise<void> = Promise.resolve();

  /** Used by Session.add; embedders add torrents through the session. */
  constructor(source: TorrentSource, options: AddTorrentOptions, services: SessionServices) {
    super();
    this.infoHash = source.infoHash;
    this.infoHashHex = source.infoHashHex;
    this.savePath = options.savePath;
    this.#options = options;
    this.#services = services;
    if (isMetainfo(source)) {
      this.#metainfo = source;
      this.#filePriorities = filePrioritiesFrom(source, options);
    } else {
      this.#magnet = source;
    }
    this.#sequential = options.sequential ?? false;
    const now = (): number => services.clock.now();
    this.#downloadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.download });
    this.#uploadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.upload });
    for (const peer of options.peers ?? []) this.#manualPeers.push(peer);
    this.#announcer = new TorrentAnnouncer(services, {
      stats: () => ({
        downloaded: this.#rt?.downloaded ?? 0,
        uploaded: this.#rt?.uploaded ?? 0,
        // Before the data is open all of it is left (non-zero, so we are not taken for a seed).
        left: this.#opened === undefined ? Math.max(1, this.progress().leftBytes) : this.#counts.leftBytes,
      }),
      peers: (peers) => {
        this.#rt?.swarm.add(peers, 'tracker');
        this.#fetch?.fetcher.swarm.add(peers, 'tracker');
      },
      warn: (warning) => this.#warn(warning),
    });
  }

  /** The parsed torrent; undefined while a magnet link's metadata is being fetched. */
  get metainfo(): Metainfo | undefined {
    return this.#metainfo;
  }

  /** The torrent's name (a magnet's `dn`, or the info-hash, until the metadata is known). */
  get name(): string {
    return this.#metainfo?.name ?? this.#magnet?.name ?? this.infoHashHex;
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

  get removed(): boolean {
    return this.#removed;
  }

  /** From `stopped` or `error`: fetch the metadata if needed, check the data, then download or seed. */
  async start(): Promise<void> {
    await this.#serially(async () => {
      if (this.#status.state === 'stopped' || this.#status.state === 'error') await this.#begin(this.#options.fullCheck ?? false);
    });
  }

  /** Halts all traffic (every peer disconnected, trackers told `stopped`), keeping the data open. */
  async pause(): Promise<void> {
    this.#abort?.abort(new EngineError('ABORTED', 'paused'));
    await this.#serially(async () => {
      const state = this.#status.state;
      if (state === 'checking' || state === 'fetching-metadata') {
        this.#pausedEarly = true;
        await this.#announcer.stop();
        this.#setStatus({ state: 'paused' });
      } else if (state === 'downloading' || state === 'seeding') {
        this.#pausedEarly = false;
        await this.#leaveActive('paused');
        this.#setStatus({ state: 'paused' });
      }
    });
  }

  /** Back to the state the torrent was paused from. */
  async resume(): Promise<void> {
    await this.#serially(async () => {
      if (this.#status.state !== 'paused') return;
      if (this.#pausedEarly || this.#rt === undefined) await this.#begin(false);
      else this.#run(this.#rt);
    });
  }

  /** Disconnects, announces `stopped`, saves resume data and closes the files, within a bounded time. */
  async stop(): Promise<void> {
    this.#abort?.abort(new EngineError('ABORTED', 'stopped'));
    await this.#serially(async () => await this.#halt({ state: 'stopped' }));
  }

  /** Hashes every piece again (resume data ignored), then goes on as before. */
  async recheck(): Promise<void> {
    this.#abort?.abort(new EngineError('ABORTED', 'rechecking'));
    await this.#serially(async () => {
      await this.#halt({ state: 'stopped' });
      await this.#begin(true);
    });
  }

  /** Connects to this peer (as soon as the torrent runs), besides those trackers give. */
  addPeer(peer: Endpoint): void {
    this.#checkNotRemoved();
    this.#manualPeers.push(peer);
    this.#rt?.swarm.add([peer], 'manual');
    this.#fetch?.fetcher.swarm.add([peer], 'manual');
  }

  /** Resolves when every wanted piece is verified and flushed; rejects if the torrent fails, is removed, or `signal` fires. */
  async whenDone(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await whenDone(this, options.signal);
  }

  progress(): TorrentProgress {
    return buildProgress({
      state: this.#status.state,
      rt: this.#rt,
      counts: this.#counts,
      opened: this.#opened !== undefined,
      totalBytes: this.#metainfo?.totalLength ?? this.#magnet?.exactLength ?? 0,
      pieceCount: this.#metainfo?.pieceCount ?? 0,
      finished: this.#finished,
      downloadedBefore: this.#downloadedBefore,
      uploadedBefore: this.#uploadedBefore,
      checked: this.#checked,
    });
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
    const metainfo = this.#metainfo;
    if (metainfo === undefined) throw new EngineError('INVALID_STATE', 'the files are not known before the metadata', { infoHash: this.infoHashHex });
    const checked = filePrioritiesFrom(metainfo, { filePriorities: priorities });
    await this.#serially(async () => {
      const before = this.#filePriorities ?? checked;
      this.#filePriorities = checked;
      const opened = this.#opened;
      if (opened === undefined) return;
      await applyFilePriorities(opened, metainfo, before, checked);
      this.#counts.recount(opened.picker, metainfo.geometry);
      const rt = this.#rt;
      if (this.#finished && !opened.picker.isFinished) {
        this.#finished = false;
        if (this.#status.state === 'seeding') this.#setStatus({ state: 'downloading' });
        // Seeds were let go when we needed nothing more: find them again.
        rt?.swarm.add(this.#manualPeers, 'manual');
        this.#announcer.announceNow();
      }
      if (rt?.active === true) for (const peer of rt.peers.values()) updateInterest(rt, peer);
    });
  }

  /** An incoming connection for this torrent, its handshake read. Used by the session. */
  acceptIncoming(handshaken: Handshaken, key: string): void {
    const host = this.#rt?.active === true ? this.#rt : this.#fetch?.fetcher.active === true ? this.#fetch.fetcher : undefined;
    if (host === undefined) {
      handshaken.socket.destroy();
      this.#services.budget.release();
      return;
    }
    host.attach(handshaken, key, 'in');
  }

  /** Stops for good; every later call throws CLOSED. Used by Session.remove and Session.close. */
  async remove(): Promise<void> {
    if (this.#removed) return;
    await this.stop();
    this.#removed = true;
    this.emit('state', this.#status, this.#status.state);
  }

  /** Fetches the metadata when it is not known, then checks the data and runs. */
  async #begin(fullCheck: boolean): Promise<void> {
    if (this.#metainfo === undefined && !(await this.#fetchMetadata())) return;
    await this.#check(fullCheck);
  }

  /** The `fetching-metadata` state; true once the metadata is known. */
  async #fetchMetadata(): Promise<boolean> {
    const magnet = this.#magnet;
    if (magnet === undefined) return false;
    this.#setStatus({ state: 'fetching-metadata' });
    const controller = new AbortController();
    this.#abort = controller;
    const fetch = startFetch(magnet, this.#manualPeers, this.#services, this.#options.maxPeers ?? DEFAULT_MAX_PEERS, (w) => this.#warn(w), controller.signal);
    this.#fetch = fetch;
    this.#announce();
    try {
      const fetched = await fetch.result;
      if (fetched === undefined) return false; // pause or stop took over and sets the state
      this.#filePriorities = filePrioritiesFrom(fetched.metainfo, this.#options);
      this.#metainfo = fetched.metainfo;
      for (const endpoint of fetched.endpoints) if (!this.#manualPeers.some((p) => p.host === endpoint.host && p.port === endpoint.port)) this.#manualPeers.push(endpoint);
      return true;
    } catch (error) {
      await this.#announcer.stop();
      this.#setStatus({ state: 'error', error: error instanceof EngineError ? error : new EngineError('BAD_TORRENT', describeError(error), { infoHash: this.infoHashHex, cause: error }) });
      return false;
    } finally {
      this.#fetch = undefined;
      this.#abort = undefined;
    }
  }

  async #check(fullCheck: boolean): Promise<void> {
    const metainfo = this.#metainfo;
    const priorities = this.#filePriorities;
    if (metainfo === undefined || priorities === undefined) return;
    this.#checked = undefined;
    this.#setStatus({ state: 'checking' });
    const controller = new AbortController();
    this.#abort = controller;
    let opened: Opened;
    try {
      opened = await openTorrentData(metainfo, {
        savePath: this.savePath,
        storage: this.#options.storage,
        filePriorities: priorities,
        sequential: this.#sequential,
        fullCheck,
        memoryLimit: this.#options.memoryLimit,
        hasher: this.#services.hasher,
        signal: controller.signal,
        onCheckProgress: (p) => this.#onCheckProgress(p.checked, p.total),
        onError: (error) => this.#warn(new EngineError('STORAGE', `saving resume data failed: ${error.message}`, { infoHash: this.infoHashHex, cause: error })),
      });
    } catch (error) {
      if (controller.signal.aborted) return; // pause or stop took over and sets the state
      await this.#announcer.stop();
      this.#setStatus({ state: 'error', error: new EngineError('STORAGE', `could not open the data: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }) });
      return;
    } finally {
      this.#abort = undefined;
    }
    if (controller.signal.aborted) {
      await opened.store.close().catch(() => undefined);
      return;
    }
    this.#opened = opened;
    this.#counts.recount(opened.picker, metainfo.geometry);
    const saver = new ResumeSaver(opened.store, (w) => this.#warn(w));
    this.#rt = new Runtime({
      metainfo,
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
          this.#counts.verified(piece, opened.picker, metainfo.geometry);
          saver.verified(metainfo.geometry.pieceSize(piece));
          this.emit('piece', piece);
        },
        finished: () => this.#onFinished(),
        failed: (error) => this.#background(async () => await this.#halt({ state: 'error', error })),
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

  /** Enters downloading or seeding: connect, tick, announce. */
  #run(rt: Runtime): void {
    const picker = rt.picker;
    this.#setStatus(picker.isFinished ? { state: 'seeding', complete: picker.isSeed } : { state: 'downloading' });
    rt.activate();
    const { clock, tuning } = this.#services;
    this.#ticker = clock.setInterval(() => {
      try {
        rt.tick(clock.now());
      } catch (error) {
        rt.internalError(error);
      }
      this.emit('progress', this.progress());
    }, tuning.tickMs);
    if (picker.isFinished) this.#completedAnnounced = true; // nothing was downloaded: no `completed`
    this.#announce();
    rt.swarm.add(this.#manualPeers, 'manual');
  }

  /** Starts announcing unless it already is (a magnet's announcer goes on after the fetch). */
  #announce(): void {
    if (this.#options.announce === false) return;
    const tiers = this.#metainfo?.announce ?? this.#magnet?.trackers.map((url) => [url]) ?? [];
    this.#announcer.start({ infoHash: this.infoHash, infoHashHex: this.infoHashHex, tiers });
  }

  #onFinished(): void {
    const rt = this.#rt;
    if (this.#finished || rt === undefined) return;
    this.#finished = true;
    if (!this.#completedAnnounced) {
      this.#completedAnnounced = true;
      this.#announcer.completed();
    }
    // Two seeds have nothing to trade (STATE.md: seeding drops connections to seeds).
    for (const peer of [...rt.peers.values()]) {
      if (!peer.isSeed) continue;
      rt.swarm.forget(peer.key);
      rt.drop(peer, new EngineError('CLOSED', 'both ends are seeds', { peer: peer.key }));
    }
    // `done` means written: the files are complete (FileStorage creates empty files in the flush) and
    // the resume data says so before anyone is told; fsynced too with the `durable` option.
    this.#background(async () => {
      const opened = this.#opened;
      if (opened === undefined || this.#rt !== rt || !this.#finished) return;
      await this.#within(opened.store.saveResume({ durable: this.#options.durable === true }), 'saving resume data');
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
    await this.#leaveActive(next.state);
    if (rt !== undefined) {
      rt.close(next.state);
      this.#downloadedBefore += rt.downloaded;
      this.#uploadedBefore += rt.uploaded;
      this.#rt = undefined;
    }
    const opened = this.#opened;
    this.#opened = undefined;
    if (opened !== undefined) {
      await this.#within(opened.store.close({ durable: this.#options.durable === true }), 'closing the data (flush and resume data)');
    }
    this.#setStatus(next);
  }

  /** Steps 1-3 of STATE.md "Leaving an active state": ticks, peers, trackers. */
  async #leaveActive(reason: string): Promise<void> {
    this.#ticker?.();
    this.#ticker = undefined;
    this.#rt?.deactivate(reason);
    await this.#announcer.stop();
  }

  async #within(work: Promise<unknown>, what: string): Promise<void> {
    const { clock, tuning } = this.#services;
    try {
      if ((await bounded(work, clock, tuning.stopTimeoutMs)) === 'timeout') {
        this.#warn(new EngineError('TIMEOUT', `${what} took longer than ${tuning.stopTimeoutMs} ms`, { infoHash: this.infoHashHex }));
      }
    } catch (error) {
      this.#warn(new EngineError('STORAGE', `${what} failed: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }));
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

  /** A lifecycle step the torrent starts itself: nobody awaits it, so a failure becomes a warning. */
  #background(task: () => Promise<void>): void {
    this.#serially(task).catch((error: unknown) => {
      if (!this.#removed) this.#warn(new EngineError('INVALID_STATE', `internal step failed: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }));
    });
  }

  async #serially(task: () => Promise<void>): Promise<void> {
    this.#checkNotRemoved();
    const run = this.#lifecycle.then(task);
    this.#lifecycle = run.catch(() => undefined);
    await run;
  }
}
