// A TrackerTransport whose answers the test scripts per URL, recording every request it saw.
import { TrackerError } from '../errors.js';
import type { AnnounceEvent, AnnounceRequest, AnnounceResult, RequestOptions, ScrapeResult, TrackerTransport } from '../types.js';

/** An answer, an error to throw, or 'hang' (never answers; ends only when the signal aborts). */
export type ScriptedAnswer = AnnounceResult | TrackerError | 'hang';

export interface SeenRequest {
  readonly url: string;
  readonly event: AnnounceEvent;
  readonly request: AnnounceRequest;
}

export class ScriptedTransport implements TrackerTransport {
  readonly seen: SeenRequest[] = [];
  readonly #answers = new Map<string, ScriptedAnswer[]>();
  readonly #fallback: ScriptedAnswer;

  constructor(fallback: ScriptedAnswer = { ok: true, interval: 1800, peers: [] }) {
    this.#fallback = fallback;
  }

  /** Queues answers for `url`; once used up, the fallback answers. */
  script(url: string, ...answers: ScriptedAnswer[]): this {
    this.#answers.set(url, [...(this.#answers.get(url) ?? []), ...answers]);
    return this;
  }

  events(url?: string): string[] {
    return this.seen.filter((s) => url === undefined || s.url === url).map((s) => `${s.url} ${s.event}`);
  }

  async announce(url: string, request: AnnounceRequest, options: RequestOptions = {}): Promise<AnnounceResult> {
    this.seen.push({ url, event: request.event, request });
    const answer = this.#answers.get(url)?.shift() ?? this.#fallback;
    if (answer === 'hang') {
      return await new Promise<AnnounceResult>((_, reject) => {
        const signal = options.signal;
        const fail = (): void => reject(new TrackerError(signal?.reason instanceof TrackerError ? signal.reason.code : 'ABORTED', 'gave up', { url }));
        if (signal?.aborted === true) fail();
        signal?.addEventListener('abort', fail, { once: true });
      });
    }
    if (answer instanceof TrackerError) throw answer;
    return answer;
  }

  async scrape(): Promise<ScrapeResult> {
    return { ok: false, reason: 'not scripted' };
  }
}
