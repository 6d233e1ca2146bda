// What Hark's child processes see of its environment: the allowlist itself, and real children started
// by each place that starts one (the CLI's player and clipboard tool are in tests/cli.test.ts).
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../desktop/selection/keystroke';
import { readWaylandPrimary } from '../desktop/selection/wayland';
import { childEnv, isPassedToChildren } from './child-env';

const KEY = 'sk_fedcba9876543210_never_in_a_child';

describe('childEnv', () => {
  it('keeps what finds programs and reaches the session, sound and locale', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/ada',
      TMPDIR: '/tmp/x',
      XDG_RUNTIME_DIR: '/run/user/1000',
      WAYLAND_DISPLAY: 'wayland-1',
      DISPLAY: ':0',
      XAUTHORITY: '/home/ada/.Xauthority',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      PULSE_SERVER: 'unix:/run/pulse',
      PULSE_SINK: 'headphones',
      PIPEWIRE_REMOTE: 'pipewire-0',
      ALSA_CARD: '1',
      SDL_AUDIODRIVER: 'pulseaudio',
      LANG: 'de_DE.UTF-8',
      LC_ALL: 'de_DE.UTF-8',
    };
    expect(childEnv(env)).toEqual(env);
  });

  it('keeps the Windows system folders whatever their spelling', () => {
    const env = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', PATHEXT: '.EXE', USERPROFILE: 'C:\\u' };
    expect(childEnv(env)).toEqual(env);
  });

  it('leaves out the key, tokens and anything it does not name', () => {
    const kept = childEnv({
      PATH: '/usr/bin',
      ELEVENLABS_API_KEY: KEY,
      ELEVENLABS_BASE_URL: 'https://api.elevenlabs.io',
      HARK_TOKEN: KEY,
      GITHUB_TOKEN: 'ghp_x',
      AWS_SECRET_ACCESS_KEY: 'x',
      NODE_OPTIONS: '--require /tmp/evil.js',
      LD_PRELOAD: '/tmp/evil.so',
      PATHOLOGICAL: 'a name that only starts like PATH',
    });
    expect(kept).toEqual({ PATH: '/usr/bin' });
  });

  it('matches whole names, not their beginnings', () => {
    expect(isPassedToChildren('HOME')).toBe(true);
    expect(isPassedToChildren('HOMEBREW_GITHUB_API_TOKEN')).toBe(false);
    expect(isPassedToChildren('DISPLAY_SECRET')).toBe(false);
  });
});

describe('children started in-process get no key', () => {
  let dir: string;
  let saved: string | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-child-env-'));
    saved = process.env.ELEVENLABS_API_KEY;
    process.env.ELEVENLABS_API_KEY = KEY;
  });

  afterEach(async () => {
    if (saved === undefined) delete process.env.ELEVENLABS_API_KEY;
    else process.env.ELEVENLABS_API_KEY = saved;
    await rm(dir, { recursive: true, force: true });
  });

  async function program(name: string, body: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `#!${process.execPath}\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  function expectNoKey(seen: Record<string, string>): void {
    expect(Object.keys(seen)).not.toContain('ELEVENLABS_API_KEY');
    expect(Object.values(seen).filter((value) => value.includes(KEY))).toEqual([]);
  }

  it.runIf(process.platform !== 'win32')('wl-paste (the Wayland selection)', async () => {
    await program('wl-paste', 'process.stdout.write(JSON.stringify(process.env));');
    const env = { ...process.env, PATH: dir, WAYLAND_DISPLAY: 'wayland-9', XDG_RUNTIME_DIR: dir };
    const seen = JSON.parse(await readWaylandPrimary({ env })) as Record<string, string>;
    expectNoKey(seen);
    expect(seen).toMatchObject({ PATH: dir, WAYLAND_DISPLAY: 'wayland-9', XDG_RUNTIME_DIR: dir });
  });

  it('the copy keystroke program', async () => {
    const file = join(dir, 'keystroke.env');
    const script = `require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.env))`;
    await runCommand({ program: process.execPath, args: ['-e', script] });
    const seen = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expectNoKey(seen);
    expect(seen.PATH).toBe(process.env.PATH);
  });
});
