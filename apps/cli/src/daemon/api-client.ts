// A small client of the daemon's API (fetch), for the CLI's client commands and the tests.
export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ServerEvent {
  readonly event: string;
  readonly data: unknown;
}

export class DaemonClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<ApiAnswer<T>> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    const text = await response.text();
    const json: unknown = (response.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : text;
    return { status: response.status, body: json as T, headers: response.headers };
  }

  /** The event stream (GET /api/v1/events), one event at a time, until `signal` aborts. */
  async *events(signal: AbortSignal): AsyncGenerator<ServerEvent> {
    const response = await fetch(new URL('/api/v1/events', this.baseUrl), { headers: { authorization: `Bearer ${this.token}` }, signal });
    if (response.status !== 200 || response.body === null) throw new Error(`events: HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== undefined && data !== undefined) yield { event, data: JSON.parse(data) as unknown };
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }
}
