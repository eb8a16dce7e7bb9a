// BEP 12 tiers: announce-list is a list of tiers, each a list of tracker URLs. Each tier is shuffled
// once when the torrent is loaded; trackers are tried in order, tier by tier; a tracker that answers
// moves to the front of its tier so it is tried first next time. A torrent with only `announce` is a
// single tier of one tracker.
import { shuffleInPlace } from '@typetorrent/metainfo';
import { isSupportedTrackerUrl } from './codec/tracker-url.js';

export interface TrackerSlot {
  readonly url: string;
  /** 0-based tier index. */
  readonly tier: number;
}

export class TierList {
  readonly #tiers: string[][];
  /** URLs this package cannot speak (WebSocket, unknown schemes, unparsable), left out of the tiers. */
  readonly unsupported: readonly string[];

  /** `random` returns a float in [0, 1); tests pass a seeded one to fix the shuffle. */
  constructor(tiers: readonly (readonly string[])[], random: () => number = Math.random) {
    const seen = new Set<string>();
    const unsupported: string[] = [];
    this.#tiers = [];
    for (const tier of tiers) {
      const kept: string[] = [];
      for (const url of tier) {
        // The same tracker listed twice (in one tier or two) would only be asked twice.
        if (seen.has(url)) continue;
        seen.add(url);
        if (isSupportedTrackerUrl(url)) kept.push(url);
        else unsupported.push(url);
      }
      if (kept.length > 0) this.#tiers.push(shuffleInPlace(kept, random));
    }
    this.unsupported = unsupported;
  }

  /** Every tracker in the order to try it. A snapshot: promoting during iteration does not disturb it. */
  order(): TrackerSlot[] {
    return this.#tiers.flatMap((urls, tier) => urls.map((url) => ({ url, tier })));
  }

  /** The tiers as they now stand (shuffled, with promotions applied). */
  tiers(): string[][] {
    return this.#tiers.map((tier) => [...tier]);
  }

  get size(): number {
    return this.#tiers.reduce((n, tier) => n + tier.length, 0);
  }

  /** BEP 12: a tracker that answered moves to the front of its tier. */
  promote(url: string): void {
    for (const tier of this.#tiers) {
      const at = tier.indexOf(url);
      if (at > 0) {
        tier.splice(at, 1);
        tier.unshift(url);
      }
      if (at >= 0) return;
    }
  }
}
