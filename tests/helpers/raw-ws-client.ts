// A WebSocket client written on a bare TCP socket, for what a library client will not do: announce
// a large frame and then send it a piece at a time, watching for the server's answer in between.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface CloseFrame {
  code: number;
  reason: string;
}

export class RawWsClient {
  /** Payload bytes handed to the socket so far. */
  payloadSent = 0;
  /** The server's close frame; undefined when the socket ended without one. */
  readonly closed: Promise<CloseFrame | undefined>;
  private closeFrame: CloseFrame | undefined;
  private received = Buffer.alloc(0);
  private readonly mask = randomBytes(4);

  private constructor(
    private readonly socket: Socket,
    rest: Buffer,
  ) {
    this.closed = new Promise((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        this.take(chunk);
        if (this.closeFrame) resolve(this.closeFrame);
      });
      socket.once('close', () => resolve(this.closeFrame));
    });
    if (rest.length > 0) this.take(rest);
  }

  /** Opens the socket and completes the handshake; rejects on any answer but 101. */
  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<RawWsClient> {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1').split(' ')[1];
        if (status !== '101') {
          socket.destroy();
          return reject(new Error(`handshake answered ${status}`));
        }
        resolve(new RawWsClient(socket, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed during the handshake')));
    });
  }

  /** The header of one masked text frame of `length` bytes; its payload follows via sendPayload. */
  startFrame(length: number): void {
    const header = Buffer.alloc(14);
    header[0] = 0x81; // FIN, text
    header[1] = 0x80 | 127; // masked, 64-bit length
    header.writeBigUInt64BE(BigInt(length), 2);
    this.mask.copy(header, 10);
    this.socket.write(header);
  }

  /** Sends `bytes` more of the payload (spaces); resolves once the socket has taken them. */
  sendPayload(bytes: number): Promise<boolean> {
    const chunk = Buffer.alloc(bytes, 0x20);
    const offset = this.payloadSent;
    for (let i = 0; i < chunk.length; i++) chunk[i]! ^= this.mask[(offset + i) % 4]!;
    this.payloadSent += bytes;
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve(false);
      this.socket.write(chunk, (error) => resolve(!error));
    });
  }

  get hasClosed(): boolean {
    return this.closeFrame !== undefined || this.socket.destroyed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Reads the server's (unmasked) frames, keeping only a close frame. */
  private take(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= 2) {
      const opcode = this.received[0]! & 0x0f;
      let length = this.received[1]! & 0x7f;
      let start = 2;
      if (length === 126) {
        if (this.received.length < 4) return;
        length = this.received.readUInt16BE(2);
        start = 4;
      } else if (length === 127) {
        if (this.received.length < 10) return;
        length = Number(this.received.readBigUInt64BE(2));
        start = 10;
      }
      if (this.received.length < start + length) return;
      const payload = this.received.subarray(start, start + length);
      this.received = this.received.subarray(start + length);
      if (opcode === 0x8) {
        this.closeFrame = {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005,
          reason: payload.subarray(2).toString('utf8'),
        };
      }
    }
  }
}
