import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts listening and resolves the bound port; a failure to bind (port taken) rejects. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
