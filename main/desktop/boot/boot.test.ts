// Hark's boot sequence, run whole: the real setup steps, adapters, stores, services and offline voice,
// with a stand-in for Electron (which cannot run here) and a temporary user-data folder.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PLAYER_CONNECT_CHANNEL,
  PLAYER_PORT_CHANNEL,
  VERBS,
  eventChannel,
  verbChannel,
} from '../../../shared/contract';
import type { AppState, MainToPlayer, PlayerToMain } from '../../../shared/contract';
import { STAND_IN_VERSION, createElectronStandIn } from '../../../tests/helpers/electron-stand-in';
import type {
  ElectronStandIn,
  StandInBrowserWindow,
  StandInMenu,
  StandInTray,
} from '../../../tests/helpers/electron-stand-in';
import { createSecretStore } from '../../store/secrets';
import type { KeychainBackend } from '../../store/secrets';
import { DEFAULT_HOTKEYS, HOTKEY_ACTIONS } from '../../../shared/settings-schema';
import { claimSingleInstance } from '../single-instance';
import { ACTION_LABELS, formatAccelerator } from '../tray-menu';
import { boot } from './boot';
import type { RunningApp } from './boot';

const APP_PATH = fileURLToPath(new URL('../../../', import.meta.url));
const RENDERER_PAGE = pathToFileURL(join(APP_PATH, 'out', 'renderer', 'index.html')).href;
// Generous: the machine may be busy, and the offline voice's first start takes a few seconds.
const READING = { timeout: 40_000 };
const SOON = { timeout: 10_000 };
const READING_TEST_MS = 60_000;

/** The OS keychain, in memory: the real one may be locked and wait for a prompt. */
function memoryKeychain(): KeychainBackend {
  const entries = new Map<string, string>();
  return {
    getPassword: (service, account) => Promise.resolve(entries.get(`${service}/${account}`) ?? null),
    setPassword: (service, account, password) => {
      entries.set(`${service}/${account}`, password);
      return Promise.resolve();
    },
    deletePassword: (service, account) => Promise.resolve(entries.delete(`${service}/${account}`)),
  };
}

interface Booted {
  standIn: ElectronStandIn;
  running: RunningApp;
  dataDir: string;
  logs: string[];
}

const booted: Booted[] = [];

afterEach(async () => {
  for (const { standIn, dataDir } of booted.splice(0)) {
    standIn.app.quit();
    await standIn.app.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Boots Hark as main/index.ts does; `before` prepares the desktop (another app's hotkeys...). */
async function start(before?: (standIn: ElectronStandIn) => void): Promise<Booted> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hark-boot-'));
  const standIn = createElectronStandIn({ userData: join(dataDir, 'user-data'), appPath: APP_PATH });
  before?.(standIn);
  const logs: string[] = [];
  const instance = claimSingleInstance(standIn.app, ['/usr/bin/hark']);
  const running = await boot(standIn.electron, instance, {
    secrets: createSecretStore({ backend: memoryKeychain() }),
    writeLog: (level, line) => logs.push(`${level}: ${line}`),
    env: { XDG_CONFIG_HOME: join(dataDir, 'config') },
    homeDir: join(dataDir, 'home'),
  });
  const result = { standIn, running, dataDir, logs };
  booted.push(result);
  return result;
}

function onlyTray(standIn: ElectronStandIn): StandInTray {
  expect(standIn.trays).toHaveLength(1);
  return standIn.trays[0] as StandInTray;
}

function menuOf(tray: StandInTray): StandInMenu {
  if (!tray.menu) throw new Error('the tray has no menu');
  return tray.menu;
}

function trayIcon(kind: AppState['kind']): string {
  return join(APP_PATH, 'resources', 'tray', `${kind}-32.png`);
}

function windowTitled(standIn: ElectronStandIn, title: string): StandInBrowserWindow {
  const window = standIn.windows.find((candidate) => candidate.options.title === title);
  if (!window) throw new Error(`no "${title}" window`);
  return window;
}

/** Opens Settings from the tray (or the menu item given) and waits until its page has loaded. */
async function openSettings(standIn: ElectronStandIn, item = 'Settings…'): Promise<StandInBrowserWindow> {
  menuOf(onlyTray(standIn)).click(item);
  const settings = windowTitled(standIn, 'Hark Settings');
  await expect.poll(() => settings.isVisible() && settings.webContents.getURL() !== '', SOON).toBe(true);
  return settings;
}

/**
 * Plays the player page as renderer/ does: asks for the audio port, says ready, and answers each
 * stream with the position heard after every chunk and 'ended' after 'end' (instantly: no sound
 * card here, and the test need not sit through the audio).
 */
async function playLikeThePlayerPage(window: StandInBrowserWindow) {
  await expect.poll(() => window.webContents.getURL(), SOON).not.toBe('');
  const heard = { connected: false, opened: [] as number[], bytes: 0, ended: [] as number[] };
  const page = window.webContents.page;
  page.on(PLAYER_PORT_CHANNEL, (event) => {
    const port = event.ports[0] as MessagePort;
    const say = (message: PlayerToMain): void => port.postMessage(message);
    let playedMs = 0;
    port.on('message', (message: MainToPlayer) => {
      if (message.type === 'open') {
        heard.opened.push(message.streamId);
        playedMs = 0;
      } else if (message.type === 'chunk') {
        heard.bytes += message.audio.byteLength;
        playedMs = message.startMs + message.durationMs;
        say({ type: 'position', streamId: message.streamId, playedMs });
      } else if (message.type === 'end') {
        say({ type: 'position', streamId: message.streamId, playedMs });
        say({ type: 'ended', streamId: message.streamId });
        heard.ended.push(message.streamId);
      }
    });
    say({ type: 'ready' });
    heard.connected = true;
  });
  page.send(PLAYER_CONNECT_CHANNEL);
  return heard;
}

function stateKinds(running: RunningApp): AppState['kind'][] {
  const kinds: AppState['kind'][] = [];
  running.services.onState((state) => kinds.push(state.kind));
  return kinds;
}

/** Resource types (sockets, servers, workers, ports...) and how many of each are open now. */
function openResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Types with more open now than in `before`; timers are left out (vitest keeps its own). */
function leftOpen(before: Map<string, number>): string[] {
  return [...openResources()]
    .filter(([type, count]) => type !== 'Timeout' && type !== 'Immediate' && count > (before.get(type) ?? 0))
    .map(([type, count]) => `${type} x${count - (before.get(type) ?? 0)}`);
}

describe('boot', () => {
  it('puts Hark in the tray: idle icon, every action with its hotkey', async () => {
    const { standIn } = await start();
    const tray = onlyTray(standIn);
    expect(tray.image).toBe(trayIcon('idle'));
    expect(tray.imageExists()).toBe(true);
    expect(tray.tooltip).toBe('Hark: Ready');
    const labels = menuOf(tray).labels();
    for (const action of HOTKEY_ACTIONS) {
      const words = action === 'pauseResume' ? 'Pause' : ACTION_LABELS[action];
      expect(labels).toContain(`${words}\t${formatAccelerator(DEFAULT_HOTKEYS[action], 'linux')}`);
    }
    expect(labels).toEqual(expect.arrayContaining(['Hark: Ready', 'History…', 'Settings…', 'Quit Hark']));
  });

  it('registers the default global hotkeys and a handler for every verb of the contract', async () => {
    const { standIn } = await start();
    expect(standIn.globalShortcut.registered().sort()).toEqual(Object.values(DEFAULT_HOTKEYS).sort());
    expect(standIn.ipcMain.handledChannels().sort()).toEqual(VERBS.map(verbChannel).sort());
  });

  it('reports a hotkey another app holds: tray menu, notification and hotkeyStatus', async () => {
    const { standIn } = await start((desktop) => desktop.globalShortcut.holdByAnotherApp('Ctrl+Shift+Alt+C'));
    expect(standIn.globalShortcut.isRegistered(DEFAULT_HOTKEYS.readClipboard)).toBe(false);
    expect(standIn.globalShortcut.registered()).toHaveLength(HOTKEY_ACTIONS.length - 1);

    const labels = menuOf(onlyTray(standIn)).labels();
    expect(labels).toContain('Read clipboard\tCtrl+Alt+Shift+C (not active)');
    expect(labels).toContain('1 hotkey is not active: choose another in Settings…');
    expect(standIn.notifications.map(({ title, body }) => ({ title, body }))).toContainEqual({
      title: 'A hotkey is not active',
      body: expect.stringContaining('Ctrl+Alt+Shift+C (Read clipboard) is already used') as string,
    });

    const settings = await openSettings(standIn, '1 hotkey is not active');
    const status = await settings.webContents.page.invoke(verbChannel('hotkeyStatus'));
    expect(status).toMatchObject({
      ok: true,
      value: [{ action: 'readClipboard', accelerator: DEFAULT_HOTKEYS.readClipboard, reason: 'taken' }],
    });
  });

  it("answers the app's own window and refuses any other sender", async () => {
    const { standIn, logs } = await start();
    const settings = await openSettings(standIn);
    expect(settings.webContents.getURL()).toBe(`${RENDERER_PAGE}?view=settings`);
    const answer = await settings.webContents.page.invoke(verbChannel('getSettings'));
    expect(answer).toMatchObject({ ok: true, value: { engine: 'offline', hotkeys: DEFAULT_HOTKEYS } });

    const elsewhere = await standIn.foreignWindow('https://evil.example/index.html');
    // Hark's own page, but in a window Hark did not make.
    const lookalike = await standIn.foreignWindow(`${RENDERER_PAGE}?view=settings`);
    for (const foreign of [elsewhere, lookalike]) {
      const refused = await foreign.webContents.page.invoke(verbChannel('getSettings'));
      expect(refused).toMatchObject({ ok: false, code: 'forbidden_sender' });
      foreign.webContents.page.send(PLAYER_CONNECT_CHANNEL);
      expect(foreign.webContents.page.ports).toEqual([]);
    }
    expect(logs.filter((line) => line.startsWith('warn: IPC getSettings refused'))).toHaveLength(2);
  });

  it('makes the player window hidden, unthrottled and locked down, and serves it the audio port', async () => {
    const { standIn } = await start();
    const player = windowTitled(standIn, 'Hark player');
    expect(player.options).toMatchObject({
      show: false,
      focusable: false,
      skipTaskbar: true,
      webPreferences: {
        backgroundThrottling: false,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        preload: join(APP_PATH, 'out', 'preload', 'index.js'),
      },
    });
    const heard = await playLikeThePlayerPage(player);
    expect(player.webContents.getURL()).toBe(`${RENDERER_PAGE}?view=player`);
    expect(player.isVisible()).toBe(false);
    expect(heard.connected).toBe(true);
    expect(standIn.session.permissionCheckHandler?.(null, 'geolocation')).toBe(false);
  });

  it(
    'reads the clipboard aloud through the player page, the tray showing it',
    async () => {
      const { standIn, running } = await start();
      const heard = await playLikeThePlayerPage(windowTitled(standIn, 'Hark player'));
      const kinds = stateKinds(running);
      const text = 'Hark reads this sentence aloud, then it stops.';
      standIn.clipboard.writeText(text);

      menuOf(onlyTray(standIn)).click('Read clipboard');
      await expect.poll(() => kinds.includes('speaking'), READING).toBe(true);
      await expect.poll(() => kinds.at(-1), READING).toBe('idle');

      expect(heard.opened).toHaveLength(1);
      expect(heard.ended).toEqual(heard.opened);
      expect(heard.bytes).toBeGreaterThan(1000);
      const tray = onlyTray(standIn);
      expect(tray.images).toContain(trayIcon('speaking'));
      expect(tray.image).toBe(trayIcon('idle'));
      const events = windowTitled(standIn, 'Hark player').webContents.page.messages(eventChannel('state'));
      expect(events.map(([state]) => (state as AppState).kind)).toContain('speaking');
      // The caption overlay was up during the reading and is hidden again.
      expect(windowTitled(standIn, 'Hark captions').isVisible()).toBe(false);
      // The history entry is saved as the reading ends.
      await expect
        .poll(() => running.services.historyList(), SOON)
        .toMatchObject({ ok: true, value: { total: 1, entries: [{ text, engine: 'offline' }] } });
    },
    READING_TEST_MS,
  );

  it(
    'without a player page a reading ends with a clear error, shown in the tray and notified',
    async () => {
      const { standIn, running } = await start();
      const kinds = stateKinds(running);
      standIn.clipboard.writeText('Nobody will hear this.');
      standIn.app.launchAgain(['--read-clipboard']);
      await expect.poll(() => kinds.at(-1), READING).toBe('error');

      const state = await running.services.getState();
      expect(state).toMatchObject({ ok: true, value: { kind: 'error' } });
      expect(JSON.stringify(state)).toContain('audio player is not running');
      const tray = onlyTray(standIn);
      expect(tray.image).toBe(trayIcon('error'));
      expect(menuOf(tray).labels()).toContain('Dismiss error');
      expect(standIn.notifications.map((notification) => notification.body)).toContainEqual(
        expect.stringContaining('audio player is not running'),
      );
    },
    READING_TEST_MS,
  );

  it('asks with a native dialog before the settings page may send the key to another server', async () => {
    const { standIn, dataDir } = await start();
    const settings = await openSettings(standIn);
    const update = () =>
      settings.webContents.page.invoke(verbChannel('updateSettings'), {
        patch: { baseUrl: 'https://attacker.invalid' },
      });
    expect(await update()).toMatchObject({ ok: false, code: 'host_not_confirmed' });
    expect(standIn.dialog.messageBoxes).toEqual([
      {
        message: 'Send your ElevenLabs API key to https://attacker.invalid?',
        buttons: ['Cancel', 'Use this server'],
      },
    ]);

    standIn.dialog.messageBoxResponse = 1;
    expect(await update()).toMatchObject({ ok: true, value: { applied: true, changed: ['baseUrl'] } });
    // Kept by main beside the settings, where no page can write it.
    const confirmed = JSON.parse(await readFile(join(dataDir, 'user-data', 'confirmed-hosts.json'), 'utf8'));
    expect(confirmed).toEqual({ origins: ['https://attacker.invalid'] });
  });

  it('writes the launch-at-login entry under the given config folder, not the real home', async () => {
    const { standIn, dataDir } = await start();
    const settings = await openSettings(standIn);
    const answer = await settings.webContents.page.invoke(verbChannel('updateSettings'), {
      patch: { launchAtLogin: true },
    });
    expect(answer).toMatchObject({ ok: true, value: { applied: true } });
    const entry = join(dataDir, 'config', 'autostart', 'hark.desktop');
    await expect.poll(() => existsSync(entry), SOON).toBe(true);
    expect(await readFile(entry, 'utf8')).toContain(`Exec=${process.execPath}`);
  });

  it('offers the log folder and the version in the tray, and opens the folder in the file manager', async () => {
    const { standIn, dataDir } = await start();
    const logs = join(dataDir, 'user-data', 'logs');
    const menu = menuOf(onlyTray(standIn));
    expect(menu.labels()).toEqual(expect.arrayContaining(['Open log folder', `Version ${STAND_IN_VERSION}`]));
    menu.click('Open log folder');
    await expect.poll(() => standIn.openedPaths, SOON).toEqual([logs]);
    expect(existsSync(logs)).toBe(true);

    // No file manager: the user hears where the log is instead.
    standIn.openPathAnswer.value = 'Failed to open path';
    menu.click('Open log folder');
    await expect
      .poll(() => standIn.notifications.map((notification) => notification.body), SOON)
      .toContainEqual(expect.stringContaining(join(logs, 'hark.log')));
  });

  it('answers about and openLogFolder to its own Settings page only', async () => {
    const { standIn, dataDir } = await start();
    const settings = await openSettings(standIn);
    expect(await settings.webContents.page.invoke(verbChannel('about'))).toEqual({
      ok: true,
      value: { version: STAND_IN_VERSION, logFile: join(dataDir, 'user-data', 'logs', 'hark.log') },
    });
    expect(await settings.webContents.page.invoke(verbChannel('openLogFolder'))).toEqual({
      ok: true,
      value: null,
    });
    expect(standIn.openedPaths).toEqual([join(dataDir, 'user-data', 'logs')]);

    const elsewhere = await standIn.foreignWindow('https://evil.example/index.html');
    const refused = await elsewhere.webContents.page.invoke(verbChannel('openLogFolder'));
    expect(refused).toMatchObject({ ok: false, code: 'forbidden_sender' });
    expect(standIn.openedPaths).toHaveLength(1);
  });

  it('logs to <userData>/logs/hark.log and keeps crash dumps on this computer', async () => {
    const { standIn, dataDir, logs } = await start();
    expect(standIn.crashReporter.starts).toEqual([{ uploadToServer: false }]);
    const crashDumps = join(dataDir, 'user-data', 'Crashpad');
    expect(logs).toContain(`info: Crash reports are kept on this computer, in ${crashDumps}.`);

    const elsewhere = await standIn.foreignWindow('https://evil.example/index.html');
    await elsewhere.webContents.page.invoke(verbChannel('getSettings'));
    const file = join(dataDir, 'user-data', 'logs', 'hark.log');
    await expect
      .poll(() => (existsSync(file) ? readFile(file, 'utf8') : ''), SOON)
      .toMatch(/\[warn\] IPC getSettings refused: sent from a page that is not Hark's/);
    expect(await readFile(file, 'utf8')).toContain(`[info] Crash reports are kept on this computer`);
  });

  it(
    'quitting releases the hotkeys, removes the tray, closes the offline voice and leaves nothing open',
    async () => {
      const before = openResources();
      const { standIn, running } = await start();
      const heard = await playLikeThePlayerPage(windowTitled(standIn, 'Hark player'));
      const kinds = stateKinds(running);
      standIn.clipboard.writeText('One short reading, so the offline voice is running.');
      expect(standIn.globalShortcut.press(DEFAULT_HOTKEYS.readClipboard)).toBe(true);
      await expect.poll(() => heard.ended.length, READING).toBe(1);
      await expect.poll(() => kinds.at(-1), SOON).toBe('idle');

      menuOf(onlyTray(standIn)).click('Quit Hark');
      expect(await standIn.app.exited).toBe(0);
      expect(standIn.globalShortcut.registered()).toEqual([]);
      expect(onlyTray(standIn).isDestroyed()).toBe(true);
      expect(standIn.windows).toEqual([]);
      const voices = await running.services.voices({ engine: 'offline' });
      expect(voices).toMatchObject({ ok: false, code: 'engine_failed' });
      await expect.poll(() => leftOpen(before), SOON).toEqual([]);
    },
    READING_TEST_MS,
  );
});
