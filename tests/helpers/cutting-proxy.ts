// A loopback TCP proxy in front of a server (the offline voice's stream-input server) that cuts
// chosen connections once the server has sent them a given number of bytes: the client sees a
// connection reset part-way through a reading, as from a flaky network. It also notes each
// connection's request line ("GET /v1/text-to-speech/de/stream-input?… HTTP/1.1"), so a test can see
// which voice a reading asked the real offline voice for.
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface CuttingProxy {
  /** Base URL for the client, e.g. 'http://127.0.0.1:41234'. */
  readonly url: string;
  /** Connections made so far, and how many were cut. */
  readonly connections: number;
  readonly cuts: number;
  /** The first line of each connection's request, in order. */
  readonly requestLines: readonly string[];
  close(): Promise<void>;
}

/** `cutAfter(index)`: bytes from the server after which connection `index` (0-based) is cut, or undefined. */
export async function startCuttingProxy(
  targetPort: number,
  cutAfter: (index: number) => number | undefined,
): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let cuts = 0;
  const requestLines: string[] = [];
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const limit = cutAfter(connections++);
    const upstream = createConnection(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    let sent = 0;
    const index = requestLines.push('') - 1;
    client.on('data', (data: Buffer) => {
      const line = requestLines[index] as string;
      if (!line.endsWith('\n')) requestLines[index] = `${line}${data.toString('latin1').split('\r\n')[0]}\n`;
    });
    client.pipe(upstream);
    upstream.on('data', (data: Buffer) => {
      if (limit !== undefined && sent + data.length >= limit) {
        client.write(data.subarray(0, Math.max(0, limit - sent)));
        cuts += 1;
        // A reset, not a close: no WebSocket close frame reaches the client.
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      sent += data.length;
      client.write(data);
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get cuts() {
      return cuts;
    },
    get requestLines() {
      return requestLines.map((line) => line.trimEnd());
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
