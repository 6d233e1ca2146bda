// Asks the Wayland compositor which globals it offers, speaking the wire protocol directly (three
// messages), so Hark can tell whether `wl-paste` will read PRIMARY through data-control. Without
// data-control, wl-paste falls back to popping up a surface to get keyboard focus: a flashing window
// on GNOME, or a wait that never ends. That must never happen on a hotkey, so we ask first.
import { connect } from 'node:net';
import { endianness } from 'node:os';
import { join } from 'node:path';

export interface WaylandGlobal {
  interface: string;
  version: number;
}

export const REGISTRY_TIMEOUT_MS = 2_000;

const DISPLAY_ID = 1;
const REGISTRY_ID = 2;
const CALLBACK_ID = 3;
const HEADER_BYTES = 8;
// Requests: wl_display.sync = 0, wl_display.get_registry = 1. Events: wl_display.error = 0,
// wl_registry.global = 0, wl_callback.done = 0.
const SYNC = 0;
const GET_REGISTRY = 1;

/** The compositor's socket, as libwayland finds it; undefined when the environment names none. */
export function waylandSocketPath(env: NodeJS.ProcessEnv): string | undefined {
  const display = env.WAYLAND_DISPLAY;
  if (!display) return undefined;
  if (display.startsWith('/')) return display;
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, display) : undefined;
}

// The wire protocol uses the host's byte order.
const littleEndian = endianness() === 'LE';

function readU32(buffer: Buffer, offset: number): number {
  return littleEndian ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset);
}

function request(objectId: number, opcode: number, newId: number): Buffer {
  const message = Buffer.alloc(12);
  const write = (value: number, offset: number) =>
    littleEndian ? message.writeUInt32LE(value, offset) : message.writeUInt32BE(value, offset);
  write(objectId, 0);
  write((message.length << 16) | opcode, 4);
  write(newId, 8);
  return message;
}

/** A wire string: u32 length including the NUL, the bytes, padding to 4. */
function readString(buffer: Buffer, offset: number): { text: string; end: number } {
  const length = readU32(buffer, offset);
  const start = offset + 4;
  const text = length === 0 ? '' : buffer.toString('utf8', start, start + length - 1);
  return { text, end: start + Math.ceil(length / 4) * 4 };
}

type Event = { objectId: number; opcode: number; body: Buffer };

/** Splits complete messages off the front of `pending`; returns them and the incomplete rest. */
function takeEvents(pending: Buffer): { events: Event[]; rest: Buffer } {
  const events: Event[] = [];
  let offset = 0;
  while (pending.length - offset >= HEADER_BYTES) {
    const word = readU32(pending, offset + 4);
    const size = word >>> 16;
    if (size < HEADER_BYTES) throw new Error(`Wayland: malformed message of ${size} bytes`);
    if (pending.length - offset < size) break;
    events.push({
      objectId: readU32(pending, offset),
      opcode: word & 0xffff,
      body: pending.subarray(offset + HEADER_BYTES, offset + size),
    });
    offset += size;
  }
  return { events, rest: pending.subarray(offset) };
}

/**
 * Lists the compositor's globals (get_registry, then a sync whose `done` marks the end of the list).
 * Rejects when there is no compositor to ask, it reports a protocol error, or it does not answer.
 */
export function listWaylandGlobals(
  env: NodeJS.ProcessEnv,
  timeoutMs = REGISTRY_TIMEOUT_MS,
): Promise<WaylandGlobal[]> {
  const path = waylandSocketPath(env);
  if (!path) return Promise.reject(new Error('No Wayland display (WAYLAND_DISPLAY is not set)'));
  return new Promise((resolve, reject) => {
    const globals: WaylandGlobal[] = [];
    let pending = Buffer.alloc(0);
    const socket = connect(path);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(globals);
    };
    const timer = setTimeout(
      () => finish(new Error(`The Wayland compositor did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => {
      socket.write(
        Buffer.concat([
          request(DISPLAY_ID, GET_REGISTRY, REGISTRY_ID),
          request(DISPLAY_ID, SYNC, CALLBACK_ID),
        ]),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        const taken = takeEvents(Buffer.concat([pending, chunk]));
        pending = Buffer.from(taken.rest);
        for (const event of taken.events) {
          if (event.objectId === REGISTRY_ID && event.opcode === 0) {
            const name = readString(event.body, 4);
            globals.push({ interface: name.text, version: readU32(event.body, name.end) });
          } else if (event.objectId === DISPLAY_ID && event.opcode === 0) {
            const message = readString(event.body, 8).text;
            return finish(new Error(`Wayland protocol error: ${message}`));
          } else if (event.objectId === CALLBACK_ID && event.opcode === 0) {
            return finish();
          }
        }
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => finish(new Error(`Cannot reach the Wayland compositor: ${error.message}`)));
    socket.on('close', () => finish(new Error('The Wayland compositor closed the connection')));
  });
}

/**
 * True when the compositor lets a client without focus read PRIMARY: wlr data-control from version 2
 * (which added the primary selection; Sway, Hyprland, KDE Plasma) or the standard ext data-control.
 */
export function offersPrimaryDataControl(globals: readonly WaylandGlobal[]): boolean {
  return globals.some(
    (global) =>
      (global.interface === 'zwlr_data_control_manager_v1' && global.version >= 2) ||
      global.interface === 'ext_data_control_manager_v1',
  );
}
