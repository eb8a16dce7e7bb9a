// Keeps one torrent announced: BEP 3 events, BEP 12 tier order, re-announces on the tracker's
// interval, exponential backoff when every tracker fails. States and invariants: STATE.md.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { timeoutSignal } from '../abort.js';
import { checkAnnounceRequest } from '../codec/request.js';
import { TrackerError } from '../errors.js';
import { uniquePeers } from '../peers.js';
import { TierList, type TrackerSlot } from '../tiers.js';
import { systemTimers, type Cancel, type Timers } from '../timers.js';
import { TrackerClient } from '../tracker-client.js';
import type { AnnounceEvent, AnnounceSuccess } from '../types.js';
import { minGapMs, nextIntervalMs, retryDelayMs } from './backoff.js';
import type { AnnouncerEvents, AnnouncerOptions, AnnouncerStats, TrackerReport } from './types.js';

type State = 'idle' | 'running' | 'stopping' | 'stopped';

export interface StopOptions {
  /** Longest wait for the `stopped` announces. Default 5 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export class Announcer extends EventEmitter<AnnouncerEvents> {
  readonly #infoHash: Uint8Array;
  readonly #peerId: Uint8Array;
  readonly #port: number;
  readonly #numWant: number;
  readonly #key: number;
  readonly #stats: () => AnnouncerStats;
  readonly #tiers: TierList;
  readonly #client: TrackerClient;
  readonly #timers: Timers;
  readonly #trackerTimeoutMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #intervals: { readonly defaultIntervalS: number; readonly minimumIntervalS: number };
  readonly #pace: ((signal: AbortSignal) => Promise<void>) | undefined;
  readonly #jitter: number;
  readonly #random: () => number;

  #state: State = 'idle';
  /** Trackers that answered ok at least once: they get `stopped` at the end. */
  readonly #announced = new Set<string>();
  readonly #trackerIds = new Map<string, Uint8Array>();
  #completedPending = false;
  #completedSent = false;
  #failedRounds = 0;
  #timer: Cancel | undefined;
  #nextAt: number | undefined;
  /** No extra announce before this time (ms on #timers). */
  #earliestExtra = 0;
  #inFlight: { readonly controller: AbortController; url: string | undefined; event: AnnounceEvent | undefined } | undefined;
  #rerun = false;
  #stopping: Promise<void> | undefined;

  constructor(options: AnnouncerOptions) {
    super();
    this.#numWant = options.numWant ?? 50;
    this.#key = options.key ?? randomBytes(4).readUInt32BE(0);
    // Fail now, not on every announce, if the torrent's own values are out of range.
    checkAnnounceRequest({ ...options, uploaded: 0, downloaded: 0, left: 0, event: 'none', numWant: this.#numWant, key: this.#key });
    // Copies, as plain Uint8Arrays: on a Buffer, slice() would be a view of the caller's memory.
    this.#infoHash = new Uint8Array(options.infoHash);
    this.#peerId = new Uint8Array(options.peerId);
    this.#port = options.port;
    this.#stats = options.stats;
    this.#tiers = new TierList(options.tiers, options.random);
    this.#client = new TrackerClient({ http: options.httpClient, udp: options.udpClient });
    this.#timers = options.timers ?? systemTimers;
    this.#trackerTimeoutMs = options.trackerTimeoutMs ?? 30_000;
    this.#retryBaseMs = options.retryBaseMs ?? 30_000;
    this.#retryMaxMs = options.retryMaxMs ?? 30 * 60_000;
    this.#intervals = { defaultIntervalS: options.defaultIntervalS ?? 1800, minimumIntervalS: options.minimumIntervalS ?? 60 };
    this.#pace = options.pace;
    this.#jitter = options.intervalJitter ?? 0;
    if (!(this.#jitter >= 0 && this.#jitter < 1)) throw new TrackerError('INVALID_REQUEST', `intervalJitter must be in [0, 1), got ${this.#jitter}`);
    this.#random = options.random ?? Math.random;
  }

  /** The tiers in their current order (shuffled once, answering trackers moved to the front). */
  get tiers(): string[][] {
    return this.#tiers.tiers();
  }

  /** Sends `started` to the first tracker that answers. Does nothing unless idle. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    for (const url of this.#tiers.unsupported) {
      this.emit('warning', { url, message: 'unsupported tracker URL (only http, https and udp), skipped' });
    }
    if (this.#tiers.size === 0) {
      this.#emitError(new TrackerError('ALL_TRACKERS_FAILED', 'the torrent has no usable tracker URL'));
      return;
    }
    this.#schedule(0);
  }

  /** The download finished: sends `completed` now (once; BEP 3). Ignored unless running. */
  completed(): void {
    if (this.#state !== 'running' || this.#completedSent || this.#completedPending) return;
    this.#completedPending = true;
    this.#announceSoon(0);
  }

  /** Asks for peers now, or as soon as the tracker's `min interval` allows. */
  announceNow(): void {
    if (this.#state !== 'running') return;
    this.#announceSoon(Math.max(0, this.#earliestExtra - this.#timers.now()));
  }

  /**
   * Stops announcing and sends `stopped` to every tracker that knows us, waiting at most `timeoutMs`.
   * Never rejects: trackers that fail to hear it are reported as `warning`s.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.#stopping ??= this.#stop(options);
    await this.#stopping;
  }

  async #stop(options: StopOptions): Promise<void> {
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    this.#cancelTimer();
    const targets = new Set(this.#announced);
    if (this.#inFlight !== undefined) {
      // The tracker may have taken a `started` whose answer we will now never see.
      if (this.#inFlight.url !== undefined && this.#inFlight.event !== 'stopped') targets.add(this.#inFlight.url);
      this.#inFlight.controller.abort(new TrackerError('ABORTED', 'the announcer is stopping'));
    }
    if (wasRunning && targets.size > 0) {
      const { signal, dispose } = timeoutSignal(this.#timers, options.timeoutMs ?? 5000, options.signal);
      try {
        await Promise.all(
          [...targets].map(async (url) => {
            const report = await this.#announceTo({ url, tier: this.#tierOf(url) }, 'stopped', signal);
            this.#report(report);
          }),
        );
      } finally {
        dispose();
      }
    }
    this.#announced.clear();
    this.#state = 'stopped';
    await this.#client.close();
  }

  #announceSoon(delayMs: number): void {
    if (this.#inFlight !== undefined) {
      this.#rerun = true;
      return;
    }
    const at = this.#timers.now() + delayMs;
    if (this.#nextAt !== undefined && this.#nextAt <= at) return;
    this.#schedule(delayMs);
  }

  #schedule(delayMs: number): void {
    this.#cancelTimer();
    this.#nextAt = this.#timers.now() + delayMs;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#nextAt = undefined;
      this.#round().catch((error: unknown) => this.#afterCrash(error));
    }, delayMs);
  }

  #cancelTimer(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#nextAt = undefined;
  }

  /** One BEP 12 pass: trackers in tier order until one answers ok. */
  async #round(): Promise<void> {
    const inFlight = { controller: new AbortController(), url: undefined as string | undefined, event: undefined as AnnounceEvent | undefined };
    this.#inFlight = inFlight;
    const { signal } = inFlight.controller;
    let lastError: TrackerError | undefined;
    let succeeded = false;
    try {
      if (this.#pace !== undefined) {
        // The session's turn; a stop() meanwhile aborts the wait and the round with it.
        await this.#pace(signal).catch(() => undefined);
        if (signal.aborted) return;
      }
      for (const slot of this.#tiers.order()) {
        const event = this.#eventFor(slot.url);
        inFlight.url = slot.url;
        inFlight.event = event;
        const report = await this.#announceTo(slot, event, signal);
        if (signal.aborted) return; // stop() took over; its results are the ones that count
        this.#report(report);
        if (report.status === 'answered' && report.result.ok) {
          this.#onSuccess(slot, event, report.result);
          succeeded = true;
          return;
        }
        lastError = report.status === 'failed' ? report.error : undefined;
      }
      this.#onAllFailed(lastError);
    } finally {
      this.#inFlight = undefined;
      if (this.#rerun && this.#state === 'running') {
        this.#rerun = false;
        // A completed() or announceNow() arrived mid-round; the round's own schedule may be later.
        const delay = this.#completedPending ? 0 : Math.max(0, this.#earliestExtra - this.#timers.now());
        // After a failed round the backoff stands: retrying at once would hammer failing trackers.
        if (succeeded) this.#announceSoon(delay);
      }
    }
  }

  #eventFor(url: string): AnnounceEvent {
    if (!this.#announced.has(url)) return 'started';
    return this.#completedPending ? 'completed' : 'none';
  }

  async #announceTo(slot: TrackerSlot, event: AnnounceEvent, parent: AbortSignal): Promise<TrackerReport> {
    const { signal, dispose } = timeoutSignal(this.#timers, this.#trackerTimeoutMs, parent);
    try {
      const request = {
        infoHash: this.#infoHash,
        peerId: this.#peerId,
        port: this.#port,
        ...pickStats(this.#stats()),
        event,
        numWant: event === 'stopped' ? 0 : this.#numWant,
        key: this.#key,
        trackerId: this.#trackerIds.get(slot.url),
      };
      const result = await this.#client.announce(slot.url, request, { signal });
      return { ...slot, event, status: 'answered', result };
    } catch (error) {
      const failure =
        error instanceof TrackerError ? error : new TrackerError('NETWORK', 'announce failed unexpectedly', { url: slot.url, cause: error });
      return { ...slot, event, status: 'failed', error: failure };
    } finally {
      dispose();
    }
  }

  /** Emits the report, and a warning for anything short of a clean answer. */
  #report(report: TrackerReport): void {
    this.emit('announce', report);
    if (report.status === 'failed') {
      this.emit('warning', { url: report.url, message: report.error.message, error: report.error });
    } else if (!report.result.ok) {
      this.emit('warning', { url: report.url, message: `tracker refused: ${report.result.reason}` });
    } else if (report.result.warning !== undefined) {
      this.emit('warning', { url: report.url, message: `tracker warning: ${report.result.warning}` });
    }
  }

  #onSuccess(slot: TrackerSlot, event: AnnounceEvent, result: AnnounceSuccess): void {
    this.#failedRounds = 0;
    this.#tiers.promote(slot.url);
    this.#announced.add(slot.url);
    if (result.trackerId !== undefined) this.#trackerIds.set(slot.url, result.trackerId);
    if (event === 'completed') {
      this.#completedPending = false;
      this.#completedSent = true;
    }
    const now = this.#timers.now();
    this.#earliestExtra = now + minGapMs(result.minInterval, this.#intervals.minimumIntervalS);
    const peers = uniquePeers(result.peers);
    if (peers.length > 0) this.emit('peers', peers, slot.url);
    if (this.#state !== 'running') return; // a listener called stop()
    // A completed() that came while `started` was in flight goes out at once.
    this.#schedule(this.#completedPending ? 0 : this.#jittered(nextIntervalMs(result.interval, result.minInterval, this.#intervals), this.#earliestExtra - now));
  }

  #onAllFailed(lastError: TrackerError | undefined): void {
    this.#failedRounds++;
    const delay = retryDelayMs(this.#failedRounds, this.#retryBaseMs, this.#retryMaxMs);
    const count = this.#tiers.size;
    this.#emitError(
      new TrackerError('ALL_TRACKERS_FAILED', `all ${count} tracker${count === 1 ? '' : 's'} failed; retrying in ${Math.round(delay / 1000)} s`, {
        cause: lastError,
      }),
    );
    if (this.#state === 'running') this.#schedule(this.#jittered(delay, 0));
  }

  /** Up to `intervalJitter` of `waitMs` off at random, never under `floorMs`. */
  #jittered(waitMs: number, floorMs: number): number {
    if (this.#jitter === 0) return waitMs;
    return Math.max(floorMs, Math.round(waitMs * (1 - this.#jitter * this.#random())));
  }

  /** A bug (say, a throwing listener) must not end announcing: report it and retry later. */
  #afterCrash(error: unknown): void {
    this.#emitError(new TrackerError('ALL_TRACKERS_FAILED', 'announce round failed unexpectedly', { cause: error }));
    if (this.#state === 'running' && this.#timer === undefined) this.#schedule(this.#retryBaseMs);
  }

  /**
   * Node's EventEmitter throws an unlistened 'error' event, which from a timer callback would crash
   * the process. Failures are also visible as 'announce' reports, so without a listener it is dropped.
   */
  #emitError(error: TrackerError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #tierOf(url: string): number {
    return this.#tiers.order().find((slot) => slot.url === url)?.tier ?? 0;
  }
}

/** Only the three counts, so a stats object with extra fields does not leak into the request. */
function pickStats(stats: AnnouncerStats): AnnouncerStats {
  return { uploaded: stats.uploaded, downloaded: stats.downloaded, left: stats.left };
}
