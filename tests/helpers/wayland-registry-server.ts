// A Wayland socket that answers only the registry handshake (get_registry + sync) with a chosen list
// of globals: it stands in for a compositor Hark cannot run here, such as GNOME's Mutter, which offers
// no data-control. Real sockets and the real wire format; every other request is ignored.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeGlobal {
  interface: string;
  version: number;
}

export interface RegistryServer {
  /** Environment that points Wayland clients at this socket. */
  env: { XDG_RUNTIME_DIR: string; WAYLAND_DISPLAY: string };
  /** How many clients connected so far. */
  connections(): number;
  close(): Promise<void>;
}

// Little-endian, as on every machine these tests run on (the wire format uses host order).
function message(objectId: number, opcode: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(objectId, 0);
  header.writeUInt32LE(((8 + body.length) << 16) | opcode, 4);
  return Buffer.concat([header, body]);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value, 0);
  return buffer;
}

function wireString(text: string): Buffer {
  const bytes = Buffer.from(`${text}\0`, 'utf8');
  const padded = Buffer.alloc(Math.ceil(bytes.length / 4) * 4);
  bytes.copy(padded);
  return Buffer.concat([u32(bytes.length), padded]);
}

function answer(socket: Socket, globals: readonly FakeGlobal[]): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32LE(4) >>> 16;
      if (size < 8 || pending.length < size) break;
      const objectId = pending.readUInt32LE(0);
      const opcode = pending.readUInt32LE(4) & 0xffff;
      const newId = size >= 12 ? pending.readUInt32LE(8) : 0;
      pending = pending.subarray(size);
      if (objectId !== 1) continue;
      if (opcode === 1) {
        // get_registry: announce every global on the new registry object.
        globals.forEach((global, index) => {
          socket.write(
            message(
              newId,
              0,
              Buffer.concat([u32(index + 1), wireString(global.interface), u32(global.version)]),
            ),
          );
        });
      } else if (opcode === 0) {
        // sync: done(serial) on the callback, as a compositor does once earlier requests are handled.
        socket.write(message(newId, 0, u32(1)));
      }
    }
  });
  socket.on('error', () => undefined);
}

export async function startRegistryServer(globals: readonly FakeGlobal[]): Promise<RegistryServer> {
  const runtimeDir = await mkdtemp(join(tmpdir(), 'hark-wayland-'));
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    answer(socket, globals);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(join(runtimeDir, 'wayland-0'), resolve);
  });
  return {
    env: { XDG_RUNTIME_DIR: runtimeDir, WAYLAND_DISPLAY: 'wayland-0' },
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(runtimeDir, { recursive: true, force: true });
    },
  };
}

/** Roughly what GNOME's Mutter offers: PRIMARY for focused clients only, no data-control. */
export const MUTTER_LIKE_GLOBALS: readonly FakeGlobal[] = [
  { interface: 'wl_compositor', version: 5 },
  { interface: 'wl_seat', version: 8 },
  { interface: 'wl_data_device_manager', version: 3 },
  { interface: 'zwp_primary_selection_device_manager_v1', version: 1 },
  { interface: 'xdg_wm_base', version: 5 },
];
