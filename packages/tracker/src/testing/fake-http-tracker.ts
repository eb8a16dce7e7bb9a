// An in-test HTTP tracker on 127.0.0.1: each test supplies the request handler, so slow answers,
// huge bodies, redirects and garbage can be staged on a real socket.
import http from 'node:http';

export interface FakeHttpTracker {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** Request paths with query strings, in arrival order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeHttpTracker(handle: (request: http.IncomingMessage, response: http.ServerResponse) => void): Promise<FakeHttpTracker> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      // Drop keep-alive and stalled connections too, or close() would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
