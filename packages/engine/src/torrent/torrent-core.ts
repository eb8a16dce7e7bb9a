// The lifecycle half of a Torrent (torrent.ts has the public API): the state machine of STATE.md. The phase
// (phase.ts) holds what is valid in each state; the connections (PeerHost) live across phases, so a
// magnet link keeps its peers from the metadata fetch to the download. Lifecycle calls run one at a
// time, in call order; pause and stop cut a running fetch or check short first.
import { EventEmitter } from 'node:events';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import { EngineError } from '../errors.js';
import { magnetPeers } from '../metadata/magnet-peers.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import type { ActiveKind } from './active-slots.js';
import { TorrentAnnouncer } from './announce.js';
import { createConnections, type Connections } from './connections.js';
import { DhtAnnouncer } from './dht-announcer.js';
import { LsdAnnouncer } from './lsd-announcer.js';
import { filePrioritiesFrom, type Opened } from './open.js';
import type { Phase, Running } from './phase.js';
import { ByteCounts } from './progress.js';
import { createRunning, endRun, keptWhileQueued } from './running.js';
import { SerialSteps } from './serial-steps.js';
import { awaitMetadata, openChecked } from './steps.js';
import type { SessionServices, SessionTicks } from './services.js';
import { TickGroup } from './tick-group.js';
import type { AddTorrentOptions, Endpoint, TorrentEvents, TorrentProgress, TorrentStatus } from './types.js';

export const DEFAULT_MAX_PEERS = 50;

/** A .torrent's parsed form, or a magnet link whose metadata is still to come. */
export type TorrentSource = Metainfo | MagnetLink;

const NO_METADATA_FETCH = new Promise<Uint8Array>(() => undefined);
const ignoreMetadata = (): void => undefined;

function isMetainfo(source: TorrentSource): source is Metainfo {
  return 'geometry' in source;
}

/** Fields and lifecycle steps of a Torrent; `Torrent` adds the public API. */
export abstract class TorrentCore extends EventEmitter<TorrentEvents> {
  /** Byte counts and rates now (the public API builds it). */
  abstract progress(): TorrentProgress;
  /** The session's active queue granted or took back this torrent's slot (torrent.ts follows it). */
  abstract queueChanged(): void;

  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  readonly savePath: string;
  protected readonly _magnet: MagnetLink | undefined;
  protected readonly _options: AddTorrentOptions;
  protected readonly _services: SessionServices;
  protected readonly _downloadLimiter: RateLimiter;
  protected readonly _uploadLimiter: RateLimiter;
  protected readonly _counts = new ByteCounts();
  protected readonly _manualPeers: Endpoint[] = [];
  protected readonly _announcer: TorrentAnnouncer;
  protected readonly _conn: Connections;
  /** The DHT peer source, when the session runs a DHT node. */
  protected readonly _dht: DhtAnnouncer | undefined;
  /** The local network peer source (BEP 14), when the session runs LSD. */
  protected readonly _lsd: LsdAnnouncer | undefined;
  /** Resolves with a magnet link's info dict once a peer gave one that hashes right. */
  protected readonly _metadata: Promise<Uint8Array>;
  protected _metainfo: Metainfo | undefined;
  protected _filePriorities: number[] | undefined;
  protected _sequential: boolean;
  protected _phase: Phase = { kind: 'stopped' };
  protected _status: TorrentStatus = { state: 'stopped' };
  protected _checked: { pieces: number; of: number } | undefined;
  protected _lastCheckEvent = Number.NEGATIVE_INFINITY;
  protected _completedAnnounced = false;
  protected _finished = false;
  protected _removed = false;
  /** Payload totals of earlier transfers (a pause keeps its transfer; a stop ends it). */
  protected _downloadedBefore = 0;
  protected _uploadedBefore = 0;
  protected readonly _steps: SerialSteps;
  /** The session's tick, or (used without one) an interval of this torrent's own. */
  protected readonly _ticks: SessionTicks;

  /** Used by Session.add; embedders add torrents through the session. */
  constructor(source: TorrentSource, options: AddTorrentOptions, services: SessionServices) {
    super();
    this.infoHash = source.infoHash;
    this.infoHashHex = source.infoHashHex;
    this.savePath = options.savePath;
    this._options = options;
    this._services = services;
    if (isMetainfo(source)) {
      this._metainfo = source;
      this._filePriorities = filePrioritiesFrom(source, options);
    } else {
      this._magnet = source;
    }
    this._sequential = options.sequential ?? false;
    this._ticks = services.ticks ?? new TickGroup(services.clock, services.tuning.tickMs);
    this._steps = new SerialSteps(services.clock, services.tuning.stopTimeoutMs, (warning) => this._warn(warning), this.infoHashHex);
    const now = (): number => services.clock.now();
    this._downloadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.download });
    this._uploadLimiter = new RateLimiter({ now, bytesPerSecond: options.rateLimits?.upload });
    for (const peer of options.peers ?? []) this._manualPeers.push(peer);
    // Only a magnet link waits for its info dict; a .torrent shares one promise that never settles.
    let gotMetadata: (bytes: Uint8Array) => void = ignoreMetadata;
    this._metadata = this._magnet === undefined ? NO_METADATA_FETCH : new Promise((resolve) => (gotMetadata = resolve));
    this._conn = createConnections({
      infoHash: this.infoHash,
      services,
      maxPeers: options.maxPeers ?? DEFAULT_MAX_PEERS,
      info: this._metainfo?.infoBytes,
      isPrivate: () => this._metainfo?.private ?? false,
      warn: (warning) => this._warn(warning),
      peer: (event) => this.emit('peer', event),
      metadata: gotMetadata,
    });
    this._dht =
      services.dht === undefined
        ? undefined
        : new DhtAnnouncer(services.dht, services.clock, this.infoHash, {
            port: () => services.listenPort(),
            turns: services.dhtTurns,
            found: (peers) => this._conn.host.swarm.add(peers, 'dht'),
            warn: (warning) => this._warn(warning),
          });
    this._lsd = services.lsd === undefined ? undefined : new LsdAnnouncer(services.lsd, this.infoHash, (peers) => this._conn.host.swarm.add(peers, 'lsd'));
    this._announcer = new TorrentAnnouncer(services, {
      stats: () => ({
        downloaded: this._running()?.transfer.downloaded ?? 0,
        uploaded: this._running()?.transfer.uploaded ?? 0,
        // Before the data is open all of it is left (non-zero, so we are not taken for a seed).
        left: this._running() === undefined ? Math.max(1, this.progress().leftBytes) : this._counts.leftBytes,
      }),
      peers: (peers) => this._conn.host.swarm.add(peers, 'tracker'),
      warn: (warning) => this._warn(warning),
    });
  }

  /** The open data and its transfer, while running, or paused or queued after a check. */
  protected _running(): Running | undefined {
    const phase = this._phase;
    return phase.kind === 'running' || phase.kind === 'paused' || phase.kind === 'queued' ? phase.run : undefined;
  }

  /** Fetches the metadata when it is not known, then checks the data and runs. */
  protected async _begin(fullCheck: boolean): Promise<void> {
    // A magnet is a download from the start: it waits for a download slot before fetching. Granted,
    // it enters fetching-metadata at once (before `session.add` returns), not a microtask later.
    const admitted = this._metainfo === undefined ? this._admitted('download', undefined) : undefined;
    if (admitted !== undefined && !(admitted === true ? await this._fetchMetadata() : await admitted)) return;
    await this._check(fullCheck);
  }

  /** The `fetching-metadata` state; true once the metadata is known. */
  protected async _fetchMetadata(): Promise<boolean> {
    const magnet = this._magnet;
    if (magnet === undefined) return false;
    const abort = new AbortController();
    this._enter({ kind: 'fetching', abort }, { state: 'fetching-metadata' });
    this._ticks.add(this);
    const host = this._conn.host;
    host.activate();
    host.swarm.add([...magnetPeers(magnet), ...this._manualPeers], 'manual');
    this._announce();
    const fetched = await awaitMetadata(magnet, this._metadata, abort.signal);
    if (fetched.kind === 'aborted') return false; // pause or stop took over and sets the state
    if (fetched.kind === 'failed') {
      await this._halt({ kind: 'error', error: fetched.error });
      return false;
    }
    this._filePriorities = filePrioritiesFrom(fetched.value, this._options);
    this._metainfo = fetched.value;
    host.learnPieceCount(fetched.value.pieceCount);
    return true;
  }

  protected async _check(fullCheck: boolean): Promise<void> {
    const metainfo = this._metainfo;
    const priorities = this._filePriorities;
    if (metainfo === undefined || priorities === undefined) return;
    this._checked = undefined;
    const abort = new AbortController();
    // A magnet's peers stay connected (and ticked) through the check: they get our pieces once it ends.
    this._enter({ kind: 'checking', abort }, { state: 'checking' });
    const slots = this._services.checkSlots;
    const checked = await openChecked(metainfo, {
      savePath: this.savePath,
      resumeDirectory: this._options.resumeDirectory,
      storage: this._options.storage,
      filePriorities: priorities,
      sequential: this._sequential,
      fullCheck,
      memoryLimit: this._options.memoryLimit,
      hasher: this._services.hasher,
      openFilePool: this._services.openFiles,
      // The session's check queue: a torrent with pieces to hash waits in `checking` for its turn.
      checkTurn: slots === undefined ? undefined : async (signal) => await slots.take(signal),
      signal: abort.signal,
      onCheckProgress: (p) => this._onCheckProgress(p.checked, p.total),
      onError: (error) => this._warn(new EngineError('STORAGE', `saving resume data failed: ${error.message}`, { infoHash: this.infoHashHex, cause: error })),
    });
    if (checked.kind === 'aborted') return; // pause or stop took over and sets the state
    if (checked.kind === 'failed') return await this._halt({ kind: 'error', error: checked.error });
    const opened = checked.value;
    this._counts.recount(opened.picker, metainfo.geometry);
    const run = this._newRun(metainfo, opened);
    this._finished = opened.picker.isFinished;
    if (this._finished && this._options.seed === false) {
      this._phase = { kind: 'paused', run };
      this.emit('done');
      await this._halt({ kind: 'stopped' });
      return;
    }
    if (await this._admitted(this._finished ? 'seed' : 'download', run)) this._run(run);
    if (this._finished) this.emit('done');
  }

  protected _newRun(metainfo: Metainfo, opened: Opened): Running {
    return createRunning({
      metainfo,
      opened,
      services: this._services,
      host: this._conn.host,
      downloadLimiter: this._downloadLimiter,
      uploadLimiter: this._uploadLimiter,
      warn: (warning) => this._warn(warning),
      piece: (piece) => {
        this._counts.verified(piece, opened.picker, metainfo.geometry);
        this.emit('piece', piece);
      },
      finished: () => this._onFinished(),
      failed: (error) => this._background(async () => await this._halt({ kind: 'error', error })),
    });
  }

  /** Enters downloading or seeding: the connections work for the transfer, tick, announce. */
  protected _run(run: Running): void {
    const picker = run.opened.picker;
    this._enter({ kind: 'running', run }, picker.isFinished ? { state: 'seeding', complete: picker.isSeed } : { state: 'downloading' });
    const host = this._conn.host;
    run.transfer.activate();
    host.startWork(run.transfer);
    host.activate();
    if (picker.isFinished) this._completedAnnounced = true; // nothing was downloaded: no `completed`
    this._announce();
    host.swarm.add(this._manualPeers, 'manual');
    this._ticks.add(this);
  }

  /**
   * The periodic work of an active torrent (timeouts, keep-alives, choking, PEX, metadata requests)
   * and its progress event, called by the session's tick while fetching, running, or checking after
   * a fetch. Not for embedders.
   */
  tick(now: number): void {
    const kind = this._phase.kind;
    if (kind !== 'fetching' && kind !== 'checking' && kind !== 'running') return;
    try {
      this._conn.host.tick(now);
      this._conn.utMetadata.tick();
      this._conn.utPex.tick(now);
    } catch (error) {
      this._running()?.transfer.internalError(error);
    }
    // Building the figures walks the peers: not worth it for nobody (a session of idle seeds).
    if (kind !== 'checking' && this.listenerCount('progress') > 0) this.emit('progress', this.progress());
  }

  /** Starts announcing unless it already is (a magnet's announcer goes on after the fetch). */
  protected _announce(): void {
    if (this._options.announce === false) return;
    // BEP 27: a private torrent's peers come from its tracker only (a magnet's privacy is known once its metadata is).
    if (this._metainfo?.private !== true) {
      this._dht?.start();
      this._lsd?.start();
    } else {
      this._dht?.stop();
      this._lsd?.stop();
    }
    const tiers = this._metainfo?.announce ?? this._magnet?.trackers.map((url) => [url]) ?? [];
    this._announcer.start({ infoHash: this.infoHash, infoHashHex: this.infoHashHex, tiers });
  }

  protected _onFinished(): void {
    const run = this._running();
    if (this._finished || run === undefined) return;
    this._finished = true;
    if (!this._completedAnnounced) {
      this._completedAnnounced = true;
      this._announcer.completed();
    }
    // Two seeds have nothing to trade (STATE.md: seeding drops connections to seeds).
    run.transfer.dropSeeds();
    // `done` means written: the files are complete (FileStorage creates empty files in the flush) and
    // the resume data says so before anyone is told; fsynced too with the `durable` option.
    this._background(async () => {
      if (this._running() !== run || !this._finished) return;
      await this._within(run.opened.store.saveResume({ durable: this._options.durable === true }), 'saving resume data');
      if (this._options.seed === false) {
        this.emit('done');
        await this._halt({ kind: 'stopped' });
        return;
      }
      // Its download slot goes to the next in the queue as it turns seed, not before.
      this._services.activeSlots?.change(this, 'seed');
      if (this._status.state === 'downloading') this._setStatus({ state: 'seeding', complete: run.opened.picker.isSeed });
      this.emit('done');
    });
  }

  /** Leaves any phase for `stopped` or `error`: peers, trackers, then the data (STATE.md order). */
  protected async _halt(next: Extract<Phase, { kind: 'stopped' | 'error' }>): Promise<void> {
    const kind = this._phase.kind;
    if (kind === 'stopped' || (kind === 'error' && next.kind === 'error')) return;
    const run = this._running();
    this._services.activeSlots?.release(this);
    await this._leaveActive(next.kind);
    this._conn.host.stopWork(next.kind);
    if (run !== undefined) await this._endRun(run);
    this._enter(next, next.kind === 'error' ? { state: 'error', error: next.error } : { state: 'stopped' });
  }

  /** Ends a run: its transfer, then its data in one of the session's close turns (running.ts). */
  protected async _endRun(run: Running): Promise<void> {
    this._downloadedBefore += run.transfer.downloaded;
    this._uploadedBefore += run.transfer.uploaded;
    await endRun(run, this._services.dataCloses, this._options.durable === true, async (closing) => await this._within(closing, 'closing the data (flush and resume data)'));
  }

  /** Asks the session's active queue for a slot; without one the torrent is `queued` until `queueChanged`. */
  protected _admitted(kind: ActiveKind, run: Running | undefined): true | Promise<false> {
    const slots = this._services.activeSlots;
    if (slots === undefined || slots.want(this, kind)) return true;
    return this._enterQueued(run).then(() => false);
  }

  /** Enters `queued`; a download's data closes meanwhile (see keptWhileQueued). */
  protected async _enterQueued(run: Running | undefined): Promise<void> {
    await this._leaveActive('queued'); // a magnet's peers and trackers, kept through its fetch and check
    const kept = keptWhileQueued(run, this._options.storage !== undefined);
    if (run !== undefined && kept === undefined) await this._endRun(run);
    this._enter({ kind: 'queued', run: kept }, { state: 'queued' });
  }

  /** Steps 1-3 of STATE.md "Leaving an active state": ticks, peers, trackers. */
  protected async _leaveActive(reason: string): Promise<void> {
    this._ticks.remove(this);
    this._running()?.transfer.deactivate();
    this._dht?.stop();
    this._lsd?.stop();
    this._conn.host.deactivate(reason);
    await this._announcer.stop();
  }

  /** Cuts a fetch or check in progress short (pause, stop, recheck). */
  protected _abortWork(reason: 'paused' | 'stopped' | 'rechecking' | 'queued'): void {
    const phase = this._phase;
    if (phase.kind === 'fetching' || phase.kind === 'checking') phase.abort.abort(new EngineError('ABORTED', reason));
  }

  protected async _within(work: Promise<unknown>, what: string): Promise<void> {
    await this._steps.within(work, what);
  }

  protected _onCheckProgress(checked: number, of: number): void {
    this._checked = { pieces: checked, of };
    const now = this._services.clock.now();
    if (now - this._lastCheckEvent < this._services.tuning.tickMs / 4 && checked < of) return;
    this._lastCheckEvent = now;
    this.emit('progress', this.progress());
  }

  protected _enter(phase: Phase, status: TorrentStatus): void {
    this._phase = phase;
    this._setStatus(status);
  }

  protected _setStatus(status: TorrentStatus): void {
    const previous = this._status.state;
    this._status = status;
    this.emit('state', status, previous);
    this.emit('progress', this.progress());
    if (status.state === 'error' && this.listenerCount('error') > 0) this.emit('error', status.error);
  }

  protected _warn(warning: EngineError): void {
    this.emit('warning', warning);
  }

  protected _checkNotRemoved(): void {
    if (this._removed) throw new EngineError('CLOSED', 'the torrent was removed from its session', { infoHash: this.infoHashHex });
  }

  /** A lifecycle step the torrent starts itself: nobody awaits it, so a failure becomes a warning. */
  protected _background(task: () => Promise<void>): void {
    this._steps.background(task, () => this._removed);
  }

  protected async _serially(task: () => Promise<void>): Promise<void> {
    this._checkNotRemoved();
    await this._steps.run(task);
  }
}
