// What a torrent sees of the session's active queue (session/active-queue.ts): a slot to download
// or seed in, asked for once its data is checked (a magnet: before fetching its metadata).

/** The two kinds of active slot: a torrent missing wanted pieces downloads; a finished one seeds. */
export type ActiveKind = 'download' | 'seed';

/** A torrent as the queue knows it: told when the queue granted or took back its slot. */
export interface QueueMember {
  /** `isActive` changed: follow it (run, or leave to `queued`). Called synchronously; do the work later. */
  queueChanged(): void;
  /** Payload bytes per second now, each way: a slow torrent does not count against the limits. */
  transferRates?(): { readonly download: number; readonly upload: number };
}

export interface ActiveSlots {
  /**
   * Asks for a slot of this kind (or switches an active member's kind). True: active now. False: the
   * member waits in queue order and hears `queueChanged` when it is granted.
   */
  want(member: QueueMember, kind: ActiveKind): boolean;
  /** Gives up a slot or a place in the wait (pause, stop, error); slots it frees go to those waiting. */
  release(member: QueueMember): void;
  /** An active or waiting member's kind changed (a download finished, a seed wants pieces again). */
  change(member: QueueMember, kind: ActiveKind): void;
  isActive(member: QueueMember): boolean;
  /** 0-based place in the queue (order of adding unless moved); -1 when not in the queue. */
  position(member: QueueMember): number;
}
