// A relayed WebSocket pair (the client's socket and the proxy's socket to the server) ends together:
// when either side closes, the other is closed with the same code, and an error on either drops both.
import WebSocket from 'ws';

export function closeTogether(client: WebSocket, upstream: WebSocket): void {
  const closeBoth = (code: number, reason: Buffer): void => {
    // 1005/1006 cannot be sent on the wire; a normal close goes on instead.
    const sendable = code === 1005 || code === 1006 ? 1000 : code;
    for (const socket of [client, upstream]) {
      if (socket.readyState === WebSocket.OPEN) socket.close(sendable, reason);
      else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    }
  };
  for (const socket of [client, upstream]) {
    socket.on('close', closeBoth);
    socket.on('error', () => {
      client.terminate();
      upstream.terminate();
    });
  }
}
