// One torrent in a session: the state machine of STATE.md and the public API around it. The phase
// (phase.ts) holds what is valid in each state; the connections (PeerHost) live across phases, so a
// magnet link keeps its peers from the metadata fetch to the download. Lifecycle calls run one at a
// time, in call order; pause and stop cut a running fetch or check short first.
import { EventEmitter } from 'node:events';
import { parseInfoDict, type MagnetLink, type Metainfo } from '@typetorrent/metainfo';
import type { Cancel } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import { magnetPeers } from '../metadata/magnet-peers.js';
import type { Handshaken } from '../peer/handshake-io.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { TorrentAnnouncer } from './announce.js';
import { bounded } from './bounded.js';
import { createConnections, type Connections } from './connections.js';
import { applyFilePriorities, filePrioritiesFrom, openTorrentData, type Opened } from './open.js';
import type { Phase, Running } from './phase.js';
import { peerInfo } from './peer-info.js';
import { ByteCounts, buildProgress } from './progress.js';
import { ResumeSaver } from './resume-saver.js';
import type { SessionServices } from './services.js';
import { Transfer } from './transfer.js';
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
  readonly #announcer: TorrentAnnouncer;
  readonly #conn: Connections;
  /** Resolves with a magnet link's info dict once a peer gave one that hashes right. */
  readonly #metadata: Promise<Uint8Array>;
  #metainfo: Metainfo | undefined;
  #filePriorities: number[] | undefined;
  #sequential: boolean;
  #phase: Phase = { kind: 'stopped' };
  #status: TorrentStatus = { state: 'stopped' };
  #checked: { pieces: number; of: number } | undefined;
  #lastCheckEvent = Number.NEGATIVE_INFINITY;
  #completedAnnounced = false;
  #finished = false;
  #removed = false;
  /** Payload totals of earlier transfers (a pause keeps its transfer; a stop ends it). */
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
    let gotMetadata: (bytes: Uint8Array) => void = () => undefined;
    this.#metadata = new Promise((resolve) => (gotMetadata = resolve));
    this.#conn = createConnections({
      infoHash: this.infoHash,
      services,
      maxPeers: options.maxPeers ?? DEFAULT_MAX_PEERS,
      info: this.#metainfo?.infoBytes,
      isPrivate: () => this.#metainfo?.private ?? false,
      warn: (warning) => this.#warn(warning),
      peer: (event) => this.emit('peer', event),
      metadata: gotMetadata,
    });
    this.#announcer = new TorrentAnnouncer(services, {
      stats: () => ({
        downloaded: this.#running()?.transfer.downloaded ?? 0,
        uploaded: this.#running()?.transfer.uploaded ?? 0,
        // Before the data is open all of it is left (non-zero, so we are not taken for a seed).
        left: this.#running() === undefined ? Math.max(1, this.progress().leftBytes) : this.#counts.leftBytes,
      }),
      peers: (peers) => this.#conn.host.swarm.add(peers, 'tracker'),
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
    return this.#phase.kind === 'error' ? this.#phase.error : undefined;
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
      if (this.#phase.kind === 'stopped' || this.#phase.kind === 'error') await this.#begin(this.#options.fullCheck ?? false);
    });
  }

  /** Halts all traffic (every peer disconnected, trackers told `stopped`), keeping the data open. */
  async pause(): Promise<void> {
    this.#abortWork('paused');
    await this.#serially(async () => {
      const phase = this.#phase;
      if (phase.kind === 'fetching' || phase.kind === 'checking' || phase.kind === 'running') {
        await this.#leaveActive('paused');
        this.#enter({ kind: 'paused', run: phase.kind === 'running' ? phase.run : undefined }, { state: 'paused' });
      }
    });
  }

  /** Back to the state the torrent was paused from. */
  async resume(): Promise<void> {
    await this.#serially(async () => {
      const phase = this.#phase;
      if (phase.kind !== 'paused') return;
      if (phase.run === undefined) await this.#begin(false);
      else this.#run(phase.run);
    });
  }

  /** Disconnects, announces `stopped`, saves resume data and closes the files, within a bounded time. */
  async stop(): Promise<void> {
    this.#abortWork('stopped');
    await this.#serially(async () => await this.#halt({ kind: 'stopped' }));
  }

  /** Hashes every piece again (resume data ignored), then goes on as before. */
  async recheck(): Promise<void> {
    this.#abortWork('rechecking');
    await this.#serially(async () => {
      await this.#halt({ kind: 'stopped' });
      await this.#begin(true);
    });
  }

  /** Connects to this peer (as soon as the torrent runs), besides those trackers give. */
  addPeer(peer: Endpoint): void {
    this.#checkNotRemoved();
    this.#manualPeers.push(peer);
    this.#conn.host.swarm.add([peer], 'manual');
  }

  /** Resolves when every wanted piece is verified and flushed; rejects if the torrent fails, is removed, or `signal` fires. */
  async whenDone(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await whenDone(this, options.signal);
  }

  progress(): TorrentProgress {
    const run = this.#running();
    const transfer = run?.transfer;
    return buildProgress({
      state: this.#status.state,
      transfer: transfer === undefined ? undefined : { active: transfer.active, downloaded: transfer.downloaded, uploaded: transfer.uploaded, downloadRate: transfer.downloadMeter.rate(), uploadRate: transfer.uploadMeter.rate() },
      peers: this.#conn.host.peers(),
      counts: this.#counts,
      opened: run !== undefined,
      totalBytes: this.#metainfo?.totalLength ?? this.#magnet?.exactLength ?? 0,
      pieceCount: this.#metainfo?.pieceCount ?? 0,
      finished: this.#finished,
      downloadedBefore: this.#downloadedBefore,
      uploadedBefore: this.#uploadedBefore,
      checked: this.#checked,
    });
  }

  peers(): PeerInfo[] {
    const transfer = this.#running()?.transfer;
    return [...this.#conn.host.peers()].map((peer) => peerInfo(peer, transfer?.snubbed(peer) ?? false));
  }

  /** Bytes per second for this torrent; 0 or undefined: unlimited. */
  setRateLimits(limits: TorrentRateLimits): void {
    this.#downloadLimiter.setRate(limits.download);
    this.#uploadLimiter.setRate(limits.upload);
    this.#running()?.transfer.uploader.serveAll();
  }

  setSequential(sequential: boolean): void {
    this.#sequential = sequential;
    const run = this.#running();
    if (run !== undefined) run.opened.picker.sequential = sequential;
  }

  /** One priority per file, 0 (skip) to 7. Raising one of a finished torrent makes it download again. */
  async setFilePriorities(priorities: readonly number[]): Promise<void> {
    const metainfo = this.#metainfo;
    if (metainfo === undefined) throw new EngineError('INVALID_STATE', 'the files are not known before the metadata', { infoHash: this.infoHashHex });
    const checked = filePrioritiesFrom(metainfo, { filePriorities: priorities });
    await this.#serially(async () => {
      const before = this.#filePriorities ?? checked;
      this.#filePriorities = checked;
      const run = this.#running();
      if (run === undefined) return;
      const { opened, transfer } = run;
      await applyFilePriorities(opened, metainfo, before, checked);
      this.#counts.recount(opened.picker, metainfo.geometry);
      if (this.#finished && !opened.picker.isFinished) {
        this.#finished = false;
        if (this.#status.state === 'seeding') this.#setStatus({ state: 'downloading' });
        // Seeds were let go when we needed nothing more: find them again.
        this.#conn.host.swarm.add(this.#manualPeers, 'manual');
        this.#announcer.announceNow();
      }
      if (transfer.active) for (const peer of this.#conn.host.peers()) transfer.updateInterest(peer);
    });
  }

  /** An incoming connection for this torrent, its handshake read. Used by the session. */
  acceptIncoming(handshaken: Handshaken, key: string): void {
    const host = this.#conn.host;
    if (!host.active) {
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
    this.#conn.host.close('removed');
    this.#removed = true;
    this.emit('state', this.#status, this.#status.state);
  }

  /** The open data and its transfer, while running or paused from running. */
  #running(): Running | undefined {
    const phase = this.#phase;
    return phase.kind === 'running' || phase.kind === 'paused' ? phase.run : undefined;
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
    const abort = new AbortController();
    this.#enter({ kind: 'fetching', abort, ticker: this.#startTicker() }, { state: 'fetching-metadata' });
    const host = this.#conn.host;
    host.activate();
    host.swarm.add([...magnetPeers(magnet), ...this.#manualPeers], 'manual');
    this.#announce();
    const bytes = await Promise.race([this.#metadata, aborted(abort.signal)]);
    if (bytes === undefined) return false; // pause or stop took over and sets the state
    let metainfo: Metainfo;
    try {
      metainfo = parseInfoDict(bytes, { announce: magnet.trackers.map((url) => [url]), urlList: magnet.webSeeds });
    } catch (error) {
      const failure = new EngineError('BAD_TORRENT', `the metadata from peers is not a usable torrent: ${describeError(error)}`, { infoHash: magnet.infoHashHex, cause: error });
      await this.#halt({ kind: 'error', error: failure });
      return false;
    }
    this.#filePriorities = filePrioritiesFrom(metainfo, this.#options);
    this.#metainfo = metainfo;
    host.learnPieceCount(metainfo.pieceCount);
    return true;
  }

  async #check(fullCheck: boolean): Promise<void> {
    const metainfo = this.#metainfo;
    const priorities = this.#filePriorities;
    if (metainfo === undefined || priorities === undefined) return;
    this.#checked = undefined;
    const abort = new AbortController();
    const previous = this.#phase;
    // A magnet's peers stay connected through the check (they get our pieces once it ends).
    const ticker = previous.kind === 'fetching' ? previous.ticker : undefined;
    this.#enter({ kind: 'checking', abort, ticker }, { state: 'checking' });
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
        signal: abort.signal,
        onCheckProgress: (p) => this.#onCheckProgress(p.checked, p.total),
        onError: (error) => this.#warn(new EngineError('STORAGE', `saving resume data failed: ${error.message}`, { infoHash: this.infoHashHex, cause: error })),
      });
    } catch (error) {
      if (abort.signal.aborted) return; // pause or stop took over and sets the state
      await this.#halt({ kind: 'error', error: new EngineError('STORAGE', `could not open the data: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }) });
      return;
    }
    if (abort.signal.aborted) {
      await opened.store.close().catch(() => undefined);
      return;
    }
    this.#counts.recount(opened.picker, metainfo.geometry);
    const run = this.#newRun(metainfo, opened);
    this.#finished = opened.picker.isFinished;
    if (this.#finished && this.#options.seed === false) {
      this.#phase = { kind: 'paused', run };
      this.emit('done');
      await this.#halt({ kind: 'stopped' });
      return;
    }
    this.#run(run);
    if (this.#finished) this.emit('done');
  }

  #newRun(metainfo: Metainfo, opened: Opened): Running {
    const saver = new ResumeSaver(opened.store, (w) => this.#warn(w));
    const host = this.#conn.host;
    const transfer = new Transfer({
      metainfo,
      picker: opened.picker,
      store: opened.store,
      services: this.#services,
      peers: {
        peers: () => host.peers(),
        peer: (key) => host.peer(key),
        drop: (peer, reason) => host.drop(peer, reason),
        forget: (key) => host.swarm.forget(key),
        ban: (keys, reason) => this.#services.bans.ban(keys, reason),
      },
      downloadLimiter: this.#downloadLimiter,
      uploadLimiter: this.#uploadLimiter,
      hooks: {
        warn: (warning) => this.#warn(warning),
        piece: (piece) => {
          this.#counts.verified(piece, opened.picker, metainfo.geometry);
          saver.verified(metainfo.geometry.pieceSize(piece));
          this.emit('piece', piece);
        },
        finished: () => this.#onFinished(),
        failed: (error) => this.#background(async () => await this.#halt({ kind: 'error', error })),
      },
    });
    return { opened, transfer, saver };
  }

  /** Enters downloading or seeding: the connections work for the transfer, tick, announce. */
  #run(run: Running): void {
    const picker = run.opened.picker;
    const previous = this.#phase;
    if (previous.kind === 'checking') previous.ticker?.();
    this.#enter({ kind: 'running', run, ticker: this.#startTicker() }, picker.isFinished ? { state: 'seeding', complete: picker.isSeed } : { state: 'downloading' });
    const host = this.#conn.host;
    run.transfer.activate();
    host.startWork(run.transfer);
    host.activate();
    if (picker.isFinished) this.#completedAnnounced = true; // nothing was downloaded: no `completed`
    this.#announce();
    host.swarm.add(this.#manualPeers, 'manual');
  }

  /** One periodic tick for the connections and the transfer; progress events while active. */
  #startTicker(): Cancel {
    const { clock, tuning } = this.#services;
    return clock.setInterval(() => {
      try {
        this.#conn.host.tick(clock.now());
        this.#conn.utMetadata.tick();
      } catch (error) {
        this.#running()?.transfer.internalError(error);
      }
      if (this.#phase.kind !== 'checking') this.emit('progress', this.progress());
    }, tuning.tickMs);
  }

  /** Starts announcing unless it already is (a magnet's announcer goes on after the fetch). */
  #announce(): void {
    if (this.#options.announce === false) return;
    const tiers = this.#metainfo?.announce ?? this.#magnet?.trackers.map((url) => [url]) ?? [];
    this.#announcer.start({ infoHash: this.infoHash, infoHashHex: this.infoHashHex, tiers });
  }

  #onFinished(): void {
    const run = this.#running();
    if (this.#finished || run === undefined) return;
    this.#finished = true;
    if (!this.#completedAnnounced) {
      this.#completedAnnounced = true;
      this.#announcer.completed();
    }
    // Two seeds have nothing to trade (STATE.md: seeding drops connections to seeds).
    run.transfer.dropSeeds();
    // `done` means written: the files are complete (FileStorage creates empty files in the flush) and
    // the resume data says so before anyone is told; fsynced too with the `durable` option.
    this.#background(async () => {
      if (this.#running() !== run || !this.#finished) return;
      await this.#within(run.opened.store.saveResume({ durable: this.#options.durable === true }), 'saving resume data');
      if (this.#options.seed === false) {
        this.emit('done');
        await this.#halt({ kind: 'stopped' });
        return;
      }
      if (this.#status.state === 'downloading') this.#setStatus({ state: 'seeding', complete: run.opened.picker.isSeed });
      this.emit('done');
    });
  }

  /** Leaves any phase for `stopped` or `error`: peers, trackers, then the data (STATE.md order). */
  async #halt(next: Extract<Phase, { kind: 'stopped' | 'error' }>): Promise<void> {
    const kind = this.#phase.kind;
    if (kind === 'stopped' || (kind === 'error' && next.kind === 'error')) return;
    const run = this.#running();
    await this.#leaveActive(next.kind);
    this.#conn.host.stopWork(next.kind);
    if (run !== undefined) {
      run.transfer.close();
      this.#downloadedBefore += run.transfer.downloaded;
      this.#uploadedBefore += run.transfer.uploaded;
      await this.#within(run.opened.store.close({ durable: this.#options.durable === true }), 'closing the data (flush and resume data)');
    }
    this.#enter(next, next.kind === 'error' ? { state: 'error', error: next.error } : { state: 'stopped' });
  }

  /** Steps 1-3 of STATE.md "Leaving an active state": ticks, peers, trackers. */
  async #leaveActive(reason: string): Promise<void> {
    const phase = this.#phase;
    if (phase.kind === 'fetching' || phase.kind === 'checking' || phase.kind === 'running') phase.ticker?.();
    this.#running()?.transfer.deactivate();
    this.#conn.host.deactivate(reason);
    await this.#announcer.stop();
  }

  /** Cuts a fetch or check in progress short (pause, stop, recheck). */
  #abortWork(reason: 'paused' | 'stopped' | 'rechecking'): void {
    const phase = this.#phase;
    if (phase.kind === 'fetching' || phase.kind === 'checking') phase.abort.abort(new EngineError('ABORTED', reason));
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

  #enter(phase: Phase, status: TorrentStatus): void {
    this.#phase = phase;
    this.#setStatus(status);
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

/** Resolves (with undefined) when `signal` fires. */
async function aborted(signal: AbortSignal): Promise<undefined> {
  return await new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}
