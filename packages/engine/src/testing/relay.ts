// A loopback TCP relay that records what passes (test helper, not exported by the package): a test
// points a peer at the relay instead of the real port, then checks what went over the wire, e.g.
// that an encrypted connection never shows the protocol string or the torrent's data.
import net from 'node:net';

export interface Relay {
  readonly port: number;
  /** What each connection sent towards the target, one entry per connection in order of arrival. */
  connections(): Buffer[];
  /** Every byte each way, over all connections, in arrival order per direction. */
  sent(): Buffer;
  received(): Buffer;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and forwards every connection to 127.0.0.1:`target`. */
export async function startRelay(target: number): Promise<Relay> {
  const toTarget: Buffer[] = [];
  const fromTarget: Buffer[] = [];
  const perConnection: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    const mine: Buffer[] = [];
    perConnection.push(mine);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      toTarget.push(Buffer.from(chunk));
      mine.push(Buffer.from(chunk));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      fromTarget.push(Buffer.from(chunk));
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  return {
    port,
    connections: () => perConnection.map((chunks) => Buffer.concat(chunks)),
    sent: () => Buffer.concat(toTarget),
    received: () => Buffer.concat(fromTarget),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
