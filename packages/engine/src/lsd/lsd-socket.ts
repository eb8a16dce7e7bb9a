// The sockets of Local Service Discovery: UDP port 6771 joined to the BEP 14 multicast groups, IPv4
// always, IPv6 where the system allows (no IPv6, or no multicast route, just means IPv4 only). Other
// clients on the machine listen on the same port, hence SO_REUSEADDR; multicast loopback stays on so
// clients on one host find each other.
import dgram from 'node:dgram';
import { LSD_GROUP_V4, LSD_GROUP_V6, LSD_PORT } from './lsd-message.js';

export interface LsdDatagram {
  readonly bytes: Uint8Array;
  /** The sender's address (its peers are reached there, on the port its message names). */
  readonly host: string;
}

/** What the LSD service needs of the network; tests pass a fake. */
export interface LsdTransport {
  /** The families that have a socket. */
  readonly families: readonly (4 | 6)[];
  send(bytes: Uint8Array, family: 4 | 6): void;
  close(): Promise<void>;
}

export interface LsdSocketOptions {
  /** UDP port (default 6771, BEP 14's; tests in a namespace of their own may use another). */
  readonly port?: number;
  /** Local IPv4 address of the interface to announce on (default: the system's choice). */
  readonly interfaceAddress?: string;
}

export type OpenLsdTransport = (receive: (datagram: LsdDatagram) => void, warn: (error: Error) => void) => Promise<LsdTransport>;

/** Opens the real sockets: IPv4 must work, IPv6 is best effort. */
export function lsdSockets(options: LsdSocketOptions = {}): OpenLsdTransport {
  return async (receive, warn) => {
    const port = options.port ?? LSD_PORT;
    const v4 = await open('udp4', port, LSD_GROUP_V4, options.interfaceAddress, receive, warn);
    const v6 = await open('udp6', port, LSD_GROUP_V6, undefined, receive, warn).catch(() => undefined);
    const sockets = new Map<4 | 6, dgram.Socket>([[4, v4]]);
    if (v6 !== undefined) sockets.set(6, v6);
    return {
      families: [...sockets.keys()],
      send(bytes, family) {
        const socket = sockets.get(family);
        // A send that fails (no route for the group today) is routine: the next announce tries again.
        socket?.send(bytes, port, family === 4 ? LSD_GROUP_V4 : LSD_GROUP_V6, () => undefined);
      },
      async close() {
        await Promise.all([...sockets.values()].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
      },
    };
  };
}

async function open(
  type: 'udp4' | 'udp6',
  port: number,
  group: string,
  interfaceAddress: string | undefined,
  receive: (datagram: LsdDatagram) => void,
  warn: (error: Error) => void,
): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type, reuseAddr: true, ...(type === 'udp6' ? { ipv6Only: true } : {}) });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, type === 'udp4' ? '0.0.0.0' : '::', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(group, interfaceAddress);
    if (interfaceAddress !== undefined) socket.setMulticastInterface(interfaceAddress);
    socket.setMulticastLoopback(true);
  } catch (error) {
    try {
      socket.close();
    } catch {
      // never bound: nothing to close
    }
    throw error;
  }
  socket.on('error', warn);
  socket.on('message', (bytes, rinfo) => receive({ bytes, host: rinfo.address }));
  return socket;
}
