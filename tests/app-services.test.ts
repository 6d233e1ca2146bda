// The app's verbs (main/app/services.ts) against real parts: the real offline voice behind its
// stream-input server (reached through a loopback proxy that counts connections), real settings and
// history stores in a temporary folder, the real secret store with no keychain reachable (so keys are
// kept for the session only), a scripted stream-input server standing in for ElevenLabs, and a player
// that plays on the wall clock.

// Never let a test reach a developer's real keychain: no session bus, no display.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';
delete process.env.DISPLAY;

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, ReadingNotice } from '../main/app/reading-controller';
import { MAX_ACCEPTED_CHARS } from '../main/app/reading-text';
import { PREVIEW_TEXT, createServices } from '../main/app/services';
import type { AppServices, CapturedText, HotkeyControl, ServicesDeps } from '../main/app/services';
import type { HistoryChange, HotkeyFailure, Result } from '../shared/contract';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { HistoryStore } from '../main/store/history';
import { createRedactingLogger } from '../main/store/redact';
import { createSecretStore } from '../main/store/secrets';
import { SettingsStore } from '../main/store/settings';
import { setupTray } from '../main/desktop/boot/tray-and-hotkeys';
import type { Actions } from '../main/desktop/boot/tray-and-hotkeys';
import type { ElectronMain } from '../main/desktop/boot/electron';
import type { Paths } from '../main/desktop/boot/paths-and-logging';
import { RecordingPlayer } from './helpers/recording-player';
import { liveHandles, startScriptedServer } from './helpers/scripted-server';
import type { ScriptedServer } from './helpers/scripted-server';
import { quietLogger, startLiveApi } from './helpers/live-api';
import { until } from './helpers/until';

const KEY = `sk_${'5'.repeat(48)}`;

/** Forwards loopback TCP connections to the offline server and counts them. */
interface CountingProxy {
  url: string;
  connections: number;
  close(): Promise<void>;
}

async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
  };
  const proxy: CountingProxy = { url: '', connections: 0, close: () => Promise.resolve() };
  const server: Server = createServer((client) => {
    proxy.connections += 1;
    const upstream = createConnection(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

interface Fixture {
  services: AppServices;
  player: RecordingPlayer;
  history: HistoryStore;
  settings: SettingsStore;
  dir: string;
  states: AppState[];
  notices: ReadingNotice[];
  changes: HistoryChange[];
  logLines: string[];
  selection: { next: CapturedText | Error };
  clipboard: { next: string | Error };
  /** What the save dialog answers next (undefined: the user cancelled). */
  exportPath: { next: string | undefined };
}

let offline: RunningStreamServer;
let proxy: CountingProxy;
const cleanups: (() => Promise<void>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let baselineSockets = 0;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  baselineSockets = liveHandles().sockets;
  offline = await startStreamServer();
  proxy = await startCountingProxy(offline.port);
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await offline.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  // Sockets of readings, HTTP calls and the proxy are all closed.
  await until(() => liveHandles().sockets <= baselineSockets, 5000, 'sockets closed');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  patch: Record<string, unknown> = {},
  extra: Pick<ServicesDeps, 'hotkeys' | 'confirmHost' | 'confirmedHosts'> = {},
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-services-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const settings = await SettingsStore.open(join(dir, 'settings'));
  const updated = await settings.update({ outputFormat: 'pcm_16000', ...patch });
  if (!updated.ok) throw new Error(JSON.stringify(updated.problems));
  const history = await HistoryStore.open(join(dir, 'history'), { retention: settings.get().history });
  const secrets = createSecretStore();
  const player = new RecordingPlayer(8);
  const logLines: string[] = [];
  const selection: Fixture['selection'] = { next: { text: '', source: 'selection' } };
  const clipboard: Fixture['clipboard'] = { next: '' };
  const exportPath: Fixture['exportPath'] = { next: undefined };
  const services = createServices({
    settings,
    secrets,
    history,
    offlineServer: () => Promise.resolve({ url: proxy.url, token: offline.token }),
    player,
    log: createRedactingLogger(
      (level, line) => logLines.push(`${level} ${line}`),
      () => secrets.knownSecrets(),
    ),
    captureSelection: () =>
      selection.next instanceof Error ? Promise.reject(selection.next) : Promise.resolve(selection.next),
    readClipboard: () =>
      clipboard.next instanceof Error ? Promise.reject(clipboard.next) : Promise.resolve(clipboard.next),
    chooseExportPath: () => Promise.resolve(exportPath.next),
    httpTimeoutMs: 5000,
    ...extra,
  });
  cleanups.push(async () => {
    await services.dispose();
    await history.close();
  });
  const fixture: Fixture = {
    services,
    player,
    history,
    settings,
    dir,
    states: [],
    notices: [],
    changes: [],
    logLines,
    selection,
    clipboard,
    exportPath,
  };
  services.onState((state) => fixture.states.push(state));
  services.onNotice((notice) => fixture.notices.push(notice));
  services.onHistoryChanged((change) => fixture.changes.push(change));
  return fixture;
}

async function readToEnd(f: Fixture, start: () => Promise<Result<unknown>>): Promise<void> {
  const result = await start();
  expect(result.ok).toBe(true);
  await until(
    () => f.states.at(-1)?.kind === 'idle' || f.states.at(-1)?.kind === 'error',
    30_000,
    'reading over',
  );
  // The history entry is written just after the state goes idle.
  await until(() => f.changes.length > 0 || f.states.at(-1)?.kind === 'error', 5000, 'history written');
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.value;
}

describe('services: reading and the history', () => {
  it('speakText reads, the entry appears in list and search, names the voice, and replays without any server', async () => {
    const f = await setup();
    const text = 'Services read this sentence aloud.';
    await readToEnd(f, () => f.services.speakText({ text }));
    expect(f.states.map((s) => s.kind)).toEqual(['connecting', 'speaking', 'idle']);

    const page = value(await f.services.historyList({ offset: 0, limit: 10 }));
    expect(page.total).toBe(1);
    const entry = page.entries[0]!;
    expect(entry).toMatchObject({ text, engine: 'offline', voiceId: 'en-us', charactersBilled: 0 });
    expect(f.changes).toEqual([{ kind: 'added', entry }]);
    // The display name comes from the offline server's voice list.
    const voices = value(await f.services.voices());
    expect(entry.voiceName).toBe(voices.find((v) => v.voiceId === 'en-us')!.name);
    expect(entry.voiceName).not.toBe('en-us');

    expect(value(await f.services.historySearch({ query: 'ALOUD' })).entries.map((e) => e.id)).toEqual([
      entry.id,
    ]);
    expect(value(await f.services.historySearch({ query: 'nothing like this' })).total).toBe(0);

    const before = proxy.connections;
    expect(value(await f.services.historyReplay({ id: entry.id }))).toBe('started');
    await until(() => f.states.at(-1)?.kind === 'idle', 20_000, 'replay over');
    expect(proxy.connections).toBe(before);
    expect(f.states.slice(-2)).toEqual([
      { kind: 'speaking', source: 'history', queued: 0 },
      { kind: 'idle' },
    ]);
    const stored = await f.history.readAudio(entry.id);
    const replayed = f.player.current!;
    expect(Buffer.concat(replayed.chunks.map((c) => c.audio)).equals(Buffer.from(stored))).toBe(true);
    expect(value(await f.services.historyList()).total).toBe(1);
  });

  it('prepareReading opens the connection ahead, and the reading typed next takes it', async () => {
    const f = await setup();
    const before = proxy.connections;
    expect(await f.services.prepareReading()).toEqual({ ok: true, value: null });
    await until(() => proxy.connections === before + 1, 5000, 'the connection opened ahead');
    const text = 'Typed after the focus. It takes the socket. Nothing new is opened.';
    expect(value(await f.services.speakText({ text }))).toBe('started');
    await until(() => f.states.at(-1)?.kind === 'speaking', 30_000, 'speaking');
    expect(proxy.connections).toBe(before + 1);
    await until(() => f.states.at(-1)?.kind === 'idle', 30_000, 'reading over');
    expect(f.player.current?.audioBytes).toBeGreaterThan(0);
  });

  it('read again uses the current settings; export, delete and clear work and are announced', async () => {
    const f = await setup();
    await readToEnd(f, () => f.services.speakText({ text: 'Read me twice.' }));
    const first = value(await f.services.historyList()).entries[0]!;

    const voiceIds = { offline: 'en-gb', elevenlabs: 'unused' };
    expect(value(await f.services.updateSettings({ patch: { voiceIds } }))).toMatchObject({
      applied: true,
      changed: ['voiceIds.offline', 'voiceIds.elevenlabs'],
    });
    f.changes.length = 0;
    await readToEnd(f, () => f.services.historyReadAgain({ id: first.id }));
    const again = value(await f.services.historyList()).entries[0]!;
    expect(again.id).not.toBe(first.id);
    expect(first.voiceId).toBe('en-us');
    expect(again).toMatchObject({ text: 'Read me twice.', voiceId: 'en-gb' });
    expect(f.states.filter((s) => s.kind === 'speaking').at(-1)).toMatchObject({ source: 'history' });

    // The save dialog is cancelled: nothing is written.
    expect(value(await f.services.historyExport({ id: first.id, format: 'wav' }))).toEqual({ saved: false });
    // A name typed without the extension gets it.
    f.exportPath.next = join(f.dir, 'exports', 'first');
    const target = join(f.dir, 'exports', 'first.wav');
    expect(value(await f.services.historyExport({ id: first.id, format: 'wav' }))).toEqual({
      saved: true,
      path: target,
    });
    const wav = await readFile(target);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.length).toBe(44 + first.audioBytes);
    f.exportPath.next = 'relative.wav';
    expect(await f.services.historyExport({ id: first.id, format: 'wav' })).toMatchObject({
      ok: false,
      code: 'invalid_payload',
    });

    expect(value(await f.services.historyDelete({ id: first.id }))).toBe(true);
    expect(value(await f.services.historyDelete({ id: first.id }))).toBe(false);
    expect(await f.services.historyReplay({ id: first.id })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await f.services.historyReadAgain({ id: first.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await f.services.historyExport({ id: first.id, format: 'mp3' })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(value(await f.services.historyClear())).toBeNull();
    expect(value(await f.services.historyList()).total).toBe(0);
    expect(f.changes.slice(-2)).toEqual([{ kind: 'deleted', ids: [first.id] }, { kind: 'cleared' }]);
  });

  it('a smaller retention limit prunes the history at once', async () => {
    const f = await setup();
    await readToEnd(f, () => f.services.speakText({ text: 'One.' }));
    f.changes.length = 0;
    await readToEnd(f, () => f.services.speakText({ text: 'Two.' }));
    const [newest, oldest] = value(await f.services.historyList()).entries;
    value(await f.services.updateSettings({ patch: { history: { maxEntries: 1 } } }));
    await until(() => f.changes.some((c) => c.kind === 'deleted'), 5000, 'pruned');
    expect(f.changes.at(-1)).toEqual({ kind: 'deleted', ids: [oldest!.id] });
    expect(value(await f.services.historyList()).entries.map((e) => e.id)).toEqual([newest!.id]);
  });

  it('a voice preview replaces the current reading, whatever the policy, and is not stored', async () => {
    const f = await setup({ busyPolicy: 'ignore' });
    f.player.rate = 1;
    value(await f.services.speakText({ text: 'A longer reading that the preview cuts off. '.repeat(20) }));
    await until(() => (f.player.current?.playedMs() ?? 0) > 200, 20_000, 'audio heard');
    f.player.rate = 8;
    expect(value(await f.services.previewVoice({ voiceId: 'en-gb' }))).toBe('started');
    await until(() => f.states.at(-1)?.kind === 'idle', 30_000, 'preview over');
    expect(f.player.calls).toEqual(['open', 'stop', 'open']);
    await until(() => f.changes.length > 0, 5000, 'cut-off reading stored');
    // Give a (wrong) history write for the preview the chance to happen, then check it did not.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const texts = value(await f.services.historyList()).entries.map((e) => e.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^A longer reading/);
    expect(texts).not.toContain(PREVIEW_TEXT);
  });

  it('togglePause, pause, resume and stop drive the reading', async () => {
    const f = await setup();
    f.player.rate = 1;
    value(await f.services.speakText({ text: 'Pause me in the middle of this reading, please. '.repeat(5) }));
    await until(() => (f.player.current?.playedMs() ?? 0) > 100, 20_000, 'audio heard');
    expect(value(await f.services.togglePause())).toBeNull();
    expect(value(await f.services.getState())).toMatchObject({ kind: 'paused', source: 'typed' });
    expect(value(await f.services.resume())).toBeNull();
    expect(value(await f.services.getState())).toMatchObject({ kind: 'speaking' });
    value(await f.services.pause());
    expect(f.player.current!.paused).toBe(true);
    value(await f.services.stop());
    expect(value(await f.services.getState())).toEqual({ kind: 'idle' });
    expect(f.player.calls).toEqual(['open', 'pause', 'resume', 'pause', 'stop']);
  });
});

describe('services: selection and clipboard', () => {
  it('reads the captured selection, with its source', async () => {
    const f = await setup();
    f.selection.next = { text: 'Selected words.', source: 'selection' };
    expect(value(await f.services.readSelection())).toBe('started');
    expect(f.states[0]).toEqual({ kind: 'connecting', source: 'selection' });
    value(await f.services.stop());

    f.selection.next = { text: 'From the clipboard fallback.', source: 'clipboard' };
    expect(value(await f.services.readSelection())).toBe('started');
    expect(f.states.at(-1)).toEqual({ kind: 'connecting', source: 'clipboard' });
    value(await f.services.stop());
    expect(f.states.at(-1)).toEqual({ kind: 'idle' });
  });

  it('says clearly when there is nothing to read or the capture failed', async () => {
    const f = await setup();
    f.selection.next = { text: '  ', source: 'selection' };
    expect(await f.services.readSelection()).toMatchObject({ ok: false, code: 'nothing_selected' });
    f.selection.next = { text: '', source: 'clipboard' };
    expect(await f.services.readSelection()).toMatchObject({ ok: false, code: 'clipboard_empty' });
    f.selection.next = new Error('xclip is not installed');
    expect(await f.services.readSelection()).toEqual({
      ok: false,
      code: 'selection_unavailable',
      message: 'The selected text could not be read (xclip is not installed).',
    });
    f.clipboard.next = '\n';
    expect(await f.services.readClipboard()).toMatchObject({ ok: false, code: 'clipboard_empty' });
    f.clipboard.next = new Error('no clipboard');
    expect(await f.services.readClipboard()).toMatchObject({ ok: false, code: 'selection_unavailable' });
    expect(f.states).toEqual([]);

    f.clipboard.next = 'Clipboard text.';
    expect(value(await f.services.readClipboard())).toBe('started');
    expect(f.states[0]).toEqual({ kind: 'connecting', source: 'clipboard' });
  });
});

describe('services: settings, key and the HTTP API', () => {
  it('updateSettings applies valid patches and names the fields it refuses', async () => {
    const f = await setup();
    expect(value(await f.services.updateSettings({ patch: { busyPolicy: 'queue' } }))).toMatchObject({
      applied: true,
      changed: ['busyPolicy'],
    });
    expect(value(await f.services.getSettings()).busyPolicy).toBe('queue');
    const refused = value(await f.services.updateSettings({ patch: { voiceSettings: { speed: 9 } } }));
    expect(refused).toMatchObject({
      applied: false,
      problems: [{ path: 'voiceSettings.speed', kind: 'invalid' }],
    });
    expect(value(await f.services.getSettings()).voiceSettings.speed).toBe(1);
  });

  it('without a keychain the key is refused unless kept for the session; it is never handed out', async () => {
    const f = await setup();
    expect(value(await f.services.keyStatus()).state).toBe('unavailable');
    expect(await f.services.setKey({ key: 'too-short' })).toMatchObject({ ok: false, code: 'invalid_key' });
    const refused = await f.services.setKey({ key: KEY });
    expect(refused).toMatchObject({ ok: false, code: 'keychain_unavailable' });
    expect(!refused.ok && refused.message).toMatch(/D-Bus/);
    const status = value(await f.services.setKey({ key: `  ${KEY}\n`, sessionOnly: true }));
    expect(status.state).toBe('session-only');
    const results = [
      refused,
      status,
      value(await f.services.keyStatus()),
      value(await f.services.getSettings()),
    ];
    expect(JSON.stringify(results)).not.toContain(KEY);
    expect(f.logLines.join('\n')).not.toContain(KEY);
    value(await f.services.clearKey());
    expect(value(await f.services.keyStatus()).state).toBe('unavailable');
  });

  it('lists voices and models of the offline voice; it has no subscription', async () => {
    const f = await setup();
    const voices = value(await f.services.voices({ engine: 'offline' }));
    expect(voices.map((v) => v.voiceId)).toContain('en-us');
    expect(value(await f.services.models()).map((m) => m.modelId)).toEqual(['hark_offline_v1']);
    expect(await f.services.subscription()).toMatchObject({ ok: false, code: 'not_available' });
  });

  it('ElevenLabs calls need a key, send it as the header, and map refusals to codes', async () => {
    // The offline server answers GET /v1/voices like ElevenLabs; its token plays the account's key.
    const f = await setup({ engine: 'elevenlabs', baseUrl: proxy.url });
    expect(await f.services.voices()).toMatchObject({ ok: false, code: 'no_api_key' });
    expect(await f.services.subscription()).toMatchObject({ ok: false, code: 'no_api_key' });

    value(await f.services.setKey({ key: KEY, sessionOnly: true }));
    expect(await f.services.voices()).toMatchObject({ ok: false, code: 'invalid_api_key' });

    value(await f.services.setKey({ key: offline.token, sessionOnly: true }));
    expect(value(await f.services.voices()).map((v) => v.voiceId)).toContain('en-us');
    expect(value(await f.services.models({ engine: 'elevenlabs' })).map((m) => m.modelId)).toEqual([
      'hark_offline_v1',
    ]);
    // This server has no subscription endpoint: a clear failure, not a throw.
    expect(await f.services.subscription()).toMatchObject({ ok: false, code: 'server_error' });
  });
});

describe('services: ElevenLabs refusals during a reading', () => {
  async function quotaServer(): Promise<ScriptedServer> {
    const server = await startScriptedServer(async (c) => {
      await c.accept();
      await c.nextMessage();
      c.sendError('quota_exceeded', 'This request exceeds your quota.', 1008);
    });
    cleanups.push(() => server.close());
    return server;
  }

  it('without the fallback, the quota error is the state', async () => {
    const server = await quotaServer();
    const f = await setup({ engine: 'elevenlabs', baseUrl: server.url, fallbackToOffline: false });
    value(await f.services.setKey({ key: KEY, sessionOnly: true }));
    await readToEnd(f, () => f.services.speakText({ text: 'No quota left.' }));
    expect(f.states.at(-1)).toMatchObject({ kind: 'error', code: 'quota_exceeded' });
    expect(value(await f.services.getState())).toEqual(f.states.at(-1));
    expect(server.connections[0]!.headers['xi-api-key']).toBe(KEY);
    value(await f.services.dismissError());
    expect(value(await f.services.getState())).toEqual({ kind: 'idle' });
  });

  it('with the fallback, the offline voice reads instead and the user is told', async () => {
    const server = await quotaServer();
    const f = await setup({ engine: 'elevenlabs', baseUrl: server.url });
    value(await f.services.setKey({ key: KEY, sessionOnly: true }));
    await readToEnd(f, () => f.services.speakText({ text: 'Offline instead.' }));
    expect(f.states.at(-1)).toEqual({ kind: 'idle' });
    expect(f.notices.map((n) => n.code)).toEqual(['offline_fallback']);
    expect(value(await f.services.historyList()).entries[0]).toMatchObject({ engine: 'offline' });
  });
});

describe('services: bad payloads', () => {
  it('every verb checks its payload as unknown and answers invalid_payload without doing anything', async () => {
    const f = await setup();
    await readToEnd(f, () => f.services.speakText({ text: 'An entry to aim at.' }));
    const id = value(await f.services.historyList()).entries[0]!.id;
    const playbacks = f.player.playbacks.length;
    const statesBefore = f.states.length;
    const settingsBefore = value(await f.services.getSettings());
    const s = f.services as unknown as Record<string, (payload?: unknown) => Promise<Result<unknown>>>;

    const attempts: [string, unknown][] = [
      ['speakText', 'just a string'],
      ['speakText', { text: 42 }],
      ['speakText', { text: 'hi', extra: true }],
      ['speakText', undefined],
      ['stop', { now: true }],
      ['getState', 'x'],
      ['historyList', 'all'],
      ['historyList', { offset: -1 }],
      ['historyList', { limit: 1_000_000 }],
      ['historyList', { limit: 2.5 }],
      ['historyList', { offset: 0, where: 'x' }],
      ['historySearch', { query: 5 }],
      ['historySearch', { query: 'q'.repeat(10_000) }],
      ['historyReplay', { id: '../../etc/passwd' }],
      ['historyReplay', undefined],
      ['historyReadAgain', { id: 7 }],
      ['historyDelete', [id]],
      ['historyDelete', { id: [id] }],
      ['historyExport', { id, format: 'flac' }],
      ['historyExport', { id, format: 'wav', path: '/etc/passwd' }],
      ['previewVoice', { voiceId: '../voices' }],
      ['previewVoice', { voiceId: 'en-us', engine: 'google' }],
      ['previewVoice', { voiceId: 'en-us', text: 'x'.repeat(10_000) }],
      ['voices', { engine: 3 }],
      ['models', 'cloud'],
      ['updateSettings', 'engine=offline'],
      ['updateSettings', { patch: 'engine=offline' }],
      ['setKey', 123],
      ['setKey', { key: 'k'.repeat(100_000) }],
      ['setKey', { key: KEY, sessionOnly: 'yes' }],
    ];
    for (const [name, payload] of attempts) {
      const result = await s[name]!(payload);
      expect({ name, payload, ...result }).toMatchObject({ name, ok: false, code: 'invalid_payload' });
      expect(typeof (result as { message: string }).message).toBe('string');
    }
    expect(await f.services.speakText({ text: 'x'.repeat(MAX_ACCEPTED_CHARS + 1) })).toMatchObject({
      ok: false,
      code: 'text_too_long',
    });
    expect(await f.services.speakText({ text: ' \n ' })).toMatchObject({ ok: false, code: 'empty_text' });
    expect(f.player.playbacks.length).toBe(playbacks);
    expect(f.states.length).toBe(statesBefore);
    expect(value(await f.services.historyList()).total).toBe(1);
    expect(value(await f.services.getSettings())).toEqual(settingsBefore);
    expect(value(await f.services.keyStatus()).state).toBe('unavailable');
  });
});

/** Stands in for the desktop's hotkeys: remembers suspend/resume, announces failure changes. */
class StandInHotkeys implements HotkeyControl {
  current: HotkeyFailure[] = [];
  calls: string[] = [];
  readonly listeners = new Set<(failures: readonly HotkeyFailure[]) => void>();

  failures(): readonly HotkeyFailure[] {
    return this.current;
  }
  suspend(): void {
    this.calls.push('suspend');
  }
  resume(): void {
    this.calls.push('resume');
  }
  onFailures(listener: (failures: readonly HotkeyFailure[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  change(failures: HotkeyFailure[]): void {
    this.current = failures;
    for (const listener of [...this.listeners]) listener(failures);
  }
}

const TAKEN: HotkeyFailure = {
  action: 'stop',
  accelerator: 'CommandOrControl+Alt+Shift+X',
  reason: 'taken',
  message: 'Ctrl+Alt+Shift+X (Stop) is already used by another application or the desktop.',
};

describe('services: hotkeys', () => {
  it('report the desktop hotkeys, suspend and resume them, and push each failure change', async () => {
    const hotkeys = new StandInHotkeys();
    const f = await setup({}, { hotkeys });
    const pushed: HotkeyFailure[][] = [];
    f.services.onHotkeysChanged((failures) => pushed.push(failures));
    expect(value(await f.services.hotkeyStatus())).toEqual([]);

    hotkeys.change([TAKEN]);
    expect(pushed).toEqual([[TAKEN]]);
    expect(value(await f.services.hotkeyStatus())).toEqual([TAKEN]);

    expect(value(await f.services.suspendHotkeys())).toBeNull();
    expect(value(await f.services.resumeHotkeys())).toBeNull();
    expect(hotkeys.calls).toEqual(['suspend', 'resume']);

    hotkeys.change([]);
    expect(pushed).toEqual([[TAKEN], []]);
    const suspendWith = f.services.suspendHotkeys as (raw: unknown) => Promise<Result<null>>;
    expect(await suspendWith(7)).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(hotkeys.calls).toEqual(['suspend', 'resume']);

    await f.services.dispose();
    expect(hotkeys.listeners.size).toBe(0);
  });

  it('without a desktop: no failures, and suspend/resume do nothing', async () => {
    const f = await setup();
    expect(value(await f.services.hotkeyStatus())).toEqual([]);
    expect(value(await f.services.suspendHotkeys())).toBeNull();
    expect(value(await f.services.resumeHotkeys())).toBeNull();
  });
});

describe('services: the key goes only to servers the user confirmed', () => {
  const ATTACKER = 'https://attacker.invalid';

  /** The dialog main would show: answers `yes`, and remembers what it was asked. */
  function confirmDialog(yes: boolean): {
    asked: string[];
    confirmHost: (origin: string) => Promise<boolean>;
  } {
    const asked: string[] = [];
    return { asked, confirmHost: async (origin) => (asked.push(origin), yes) };
  }

  it('a base URL outside ElevenLabs is refused when nobody can confirm it, or the user says no', async () => {
    const alone = await setup({ engine: 'elevenlabs' });
    const before = alone.settings.get().baseUrl;
    const refused = await alone.services.updateSettings({ patch: { baseUrl: `${ATTACKER}/v1` } });
    expect(refused).toMatchObject({ ok: false, code: 'host_not_confirmed' });
    expect(!refused.ok && refused.message).toMatch(
      /https:\/\/attacker\.invalid is not one of ElevenLabs' own/,
    );
    expect(alone.settings.get().baseUrl).toBe(before);

    const dialog = confirmDialog(false);
    const f = await setup({ engine: 'elevenlabs' }, { confirmHost: dialog.confirmHost });
    const saidNo = await f.services.updateSettings({ patch: { baseUrl: ATTACKER, voiceId: 'other' } });
    expect(saidNo).toMatchObject({ ok: false, code: 'host_not_confirmed' });
    expect(dialog.asked).toEqual([ATTACKER]);
    // Nothing of the update is applied, and nothing reaches the file.
    expect(f.settings.get().baseUrl).toBe(before);
    expect(JSON.parse(await readFile(f.settings.filePath, 'utf8'))).toMatchObject({ baseUrl: before });
  });

  it('ElevenLabs regions and loopback need no confirmation', async () => {
    const dialog = confirmDialog(false);
    const f = await setup({}, { confirmHost: dialog.confirmHost });
    for (const baseUrl of [
      'https://api.eu.residency.elevenlabs.io',
      'http://127.0.0.1:9',
      'http://localhost:8080',
    ]) {
      const result = await f.services.updateSettings({ patch: { baseUrl } });
      expect(result.ok).toBe(true);
    }
    expect(dialog.asked).toEqual([]);
  });

  it('after the user confirms, the address is applied and the key may go there', async () => {
    const dialog = confirmDialog(true);
    const f = await setup({ engine: 'elevenlabs' }, { confirmHost: dialog.confirmHost });
    value(await f.services.setKey({ key: KEY, sessionOnly: true }));
    const update = value(await f.services.updateSettings({ patch: { baseUrl: ATTACKER } }));
    expect(update).toMatchObject({ applied: true, changed: ['baseUrl'] });
    expect(dialog.asked).toEqual([ATTACKER]);
    // Confirmed once is enough.
    value(await f.services.updateSettings({ patch: { baseUrl: ATTACKER } }));
    expect(dialog.asked).toEqual([ATTACKER]);
    // The request is made (and fails on the name that cannot resolve), no longer refused by Hark.
    expect(await f.services.voices()).toMatchObject({ ok: false, code: 'network' });
  });

  it("through the contract's dispatch (dev bridge, IPC): no dialog refuses and says why; a confirmation is kept", async () => {
    const lines: string[] = [];
    const bare = await startLiveApi({ log: quietLogger(lines) });
    cleanups.push(() => bare.close());
    expect(await bare.api.updateSettings({ patch: { baseUrl: ATTACKER } })).toMatchObject({
      ok: false,
      code: 'host_not_confirmed',
    });
    expect(lines).toContainEqual(
      expect.stringMatching(/^warn: https:\/\/attacker\.invalid was not confirmed: without the desktop app/),
    );

    const dialog = confirmDialog(true);
    const dataDir = await mkdtemp(join(tmpdir(), 'hark-services-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const live = await startLiveApi({ dataDir, confirmHost: dialog.confirmHost });
    expect(await live.api.updateSettings({ patch: { baseUrl: ATTACKER } })).toMatchObject({ ok: true });
    await live.close();
    // After a restart the confirmed address still works, without asking again.
    const again = await startLiveApi({ dataDir, confirmHost: confirmDialog(false).confirmHost });
    cleanups.push(() => again.close());
    expect(await again.api.updateSettings({ patch: { baseUrl: ATTACKER } })).toMatchObject({ ok: true });
    expect(dialog.asked).toEqual([ATTACKER]);
  });

  it('an unconfirmed address put in the settings file by hand: readings and requests refuse to connect', async () => {
    // The store's own update, as a hand-edited settings.json is loaded: no services, no dialog.
    const f = await setup({ engine: 'elevenlabs', baseUrl: ATTACKER, fallbackToOffline: false });
    value(await f.services.setKey({ key: KEY, sessionOnly: true }));
    for (const call of [f.services.voices(), f.services.models(), f.services.subscription()]) {
      const result = await call;
      expect(result).toMatchObject({ ok: false, code: 'host_not_confirmed' });
      expect(!result.ok && result.message).toMatch(/did not connect/);
    }
    value(await f.services.speakText({ text: 'This must not be sent anywhere.' }));
    await until(() => f.states.at(-1)?.kind === 'error', 10_000, 'reading refused');
    expect(f.states.at(-1)).toMatchObject({ kind: 'error', code: 'host_not_confirmed' });
    expect(f.states.map((s) => s.kind)).toEqual(['connecting', 'error']);
  });
});

describe('services: the tray', () => {
  /** Electron's Tray and Menu cannot run here: this stand-in keeps what the tray was told to show. */
  function fakeTrayElectron(): {
    electron: Pick<ElectronMain, 'app' | 'Menu' | 'Tray'>;
    tooltip: () => string;
  } {
    let tooltip = '';
    class Tray {
      setImage(): void {}
      setToolTip(text: string): void {
        tooltip = text;
      }
      setContextMenu(): void {}
      on(): this {
        return this;
      }
      popUpContextMenu(): void {}
      destroy(): void {}
    }
    const Menu = { buildFromTemplate: (template: unknown) => template };
    return {
      electron: { Tray, Menu, app: { getVersion: () => '0.1.0' } } as unknown as Pick<
        ElectronMain,
        'app' | 'Menu' | 'Tray'
      >,
      tooltip: () => tooltip,
    };
  }

  it('says which sentence of how many is being heard, and at what speed, as the reading is steered', async () => {
    const f = await setup();
    f.player.rate = 1;
    const { electron, tooltip } = fakeTrayElectron();
    const noop = (): void => undefined;
    const actions = new Proxy({}, { get: () => noop }) as Actions;
    const tray = setupTray(electron, { resources: '/res' } as Paths, f.services, f.settings, actions);
    value(
      await f.services.speakText({
        text: 'The first sentence is here. The second one follows it. The third ends the reading.',
      }),
    );
    await until(() => tooltip() === 'Hark: Speaking, sentence 1 of 3', 20_000, 'first sentence shown');
    value(await f.services.nextSentence());
    await until(() => tooltip() === 'Hark: Speaking, sentence 2 of 3', 20_000, 'second sentence shown');
    expect(value(await f.services.setSpeed({ speed: 1.5 }))).toBe(1.5);
    await until(() => tooltip() === 'Hark: Speaking, sentence 2 of 3 at 1.5×', 5000, 'speed shown');
    value(await f.services.stop());
    expect(tooltip()).toBe('Hark: Ready');
    tray.destroy();
  });
});
