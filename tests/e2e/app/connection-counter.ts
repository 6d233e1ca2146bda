// A loopback TCP relay in front of a server that counts the WebSocket upgrades to the stream-input
// path passing through it, so a test can prove that a history replay never contacted the server.
import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface ConnectionCounter {
  baseUrl: string;
  /** Stream-input handshakes seen so far. */
  streamConnections(): number;
  close(): Promise<void>;
}

const STREAM_REQUEST = /^GET \/v1\/text-to-speech\/[^ ]+\/stream-input/;

export async function countConnections(upstreamPort: number): Promise<ConnectionCounter> {
  let streams = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.once('data', (first: Buffer) => {
      if (STREAM_REQUEST.test(first.toString('latin1', 0, 200))) streams += 1;
      upstream.write(first);
      client.pipe(upstream);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    streamConnections: () => streams,
    close: () =>
      new Promise<void>((resolvePromise) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolvePromise());
      }),
  };
}
