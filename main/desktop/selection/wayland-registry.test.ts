import { afterEach, describe, expect, it } from 'vitest';
import { MUTTER_LIKE_GLOBALS, startRegistryServer } from '../../../tests/helpers/wayland-registry-server';
import type { RegistryServer } from '../../../tests/helpers/wayland-registry-server';
import { listWaylandGlobals, offersPrimaryDataControl, waylandSocketPath } from './wayland-registry';

let server: RegistryServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('waylandSocketPath', () => {
  it('follows libwayland: an absolute WAYLAND_DISPLAY as is, else inside XDG_RUNTIME_DIR', () => {
    expect(waylandSocketPath({ WAYLAND_DISPLAY: 'wayland-1', XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(
      '/run/user/1000/wayland-1',
    );
    expect(waylandSocketPath({ WAYLAND_DISPLAY: '/tmp/sock' })).toBe('/tmp/sock');
    expect(waylandSocketPath({ WAYLAND_DISPLAY: 'wayland-1' })).toBeUndefined();
    expect(waylandSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBeUndefined();
  });
});

describe('offersPrimaryDataControl', () => {
  it('needs wlr data-control version 2 (primary selection) or ext data-control', () => {
    expect(offersPrimaryDataControl([{ interface: 'zwlr_data_control_manager_v1', version: 2 }])).toBe(true);
    expect(offersPrimaryDataControl([{ interface: 'zwlr_data_control_manager_v1', version: 1 }])).toBe(false);
    expect(offersPrimaryDataControl([{ interface: 'ext_data_control_manager_v1', version: 1 }])).toBe(true);
    expect(offersPrimaryDataControl(MUTTER_LIKE_GLOBALS)).toBe(false);
  });
});

describe('listWaylandGlobals', () => {
  it('reads every global the compositor announces, names and versions intact', async () => {
    const globals = [
      ...MUTTER_LIKE_GLOBALS,
      // Interface names of every padding length (the wire pads strings to 4 bytes).
      { interface: 'abc', version: 1 },
      { interface: 'abcd', version: 2 },
      { interface: 'zwlr_data_control_manager_v1', version: 2 },
    ];
    server = await startRegistryServer(globals);
    expect(await listWaylandGlobals(server.env)).toEqual(globals);
    expect(server.connections()).toBe(1);
  });

  it('rejects clearly without a display or a compositor behind it', async () => {
    await expect(listWaylandGlobals({})).rejects.toThrow(/WAYLAND_DISPLAY is not set/);
    await expect(
      listWaylandGlobals({ WAYLAND_DISPLAY: 'wayland-404', XDG_RUNTIME_DIR: '/nonexistent' }),
    ).rejects.toThrow(/Cannot reach the Wayland compositor/);
  });
});
