// The app's verbs (main/app/services.ts) against real parts: the real offline voice behind its
// stream-input server (reached through a loopback proxy that counts connections), real settings and
// history stores in a temporary folder, the real secret store with no keychain reachable (so keys are
// kept for the session only), a scripted stream-input server standing in for ElevenLabs, and a player
// that plays on the wall clock.

// Never let a test reach a developer's real keychain: no session bus, no display.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hark-test-bus';
delete process.env.DISPLAY;

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, ReadingNotice } from '../main/app/reading-controller';
import { MAX_ACCEPTED_CHARS } from '../main/app/reading-text';
import { PREVIEW_TEXT, createServices } from '../main/app/services';
import type { CapturedText, HarkServices, HistoryChange, Result } from '../main/app/services';
import { startStreamServer } from '../main/engine/stream-server';
import type { RunningStreamServer } from '../main/engine/stream-server';
import { HistoryStore } from '../main/store/history';
import { createRedactingLogger } from '../main/store/redact';
import { createSecretStore } from '../main/store/secrets';
import { SettingsStore } from '../main/store/settings';
import { RecordingPlayer } from './helpers/recording-player';
import { startScriptedServer } from './helpers/scripted-server';
import type { ScriptedServer } from './helpers/scripted-server';

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
  services: HarkServices;
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
}

let offline: RunningStreamServer;
let proxy: CountingProxy;
const cleanups: (() => Promise<void>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  offline = await startStreamServer();
  proxy = await startCountingProxy(offline.port);
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await offline.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(patch: Record<string, unknown> = {}): Promise<Fixture> {
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
    httpTimeoutMs: 5000,
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
  };
  services.onState((state) => fixture.states.push(state));
  services.onNotice((notice) => fixture.notices.push(notice));
  services.onHistoryChanged((change) => fixture.changes.push(change));
  return fixture;
}

function until(condition: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`${what} not met in time`));
      else setTimeout(check, 20);
    };
    check();
  });
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
    await readToEnd(f, () => f.services.speakText(text));
    expect(f.states.map((s) => s.kind)).toEqual(['connecting', 'speaking', 'idle']);

    const page = value(await f.services.historyList({ offset: 0, limit: 10 }));
    expect(page.total).toBe(1);
    const entry = page.entries[0]!;
    expect(entry).toMatchObject({ text, engine: 'offline', voiceId: 'en-us', charactersBilled: 0 });
    expect(f.changes).toEqual([{ kind: 'added', entry }]);
    // The display name comes from the offline server's voice list.
    const voices = value(await f.services.listVoices());
    expect(entry.voiceName).toBe(voices.find((v) => v.voiceId === 'en-us')!.name);
    expect(entry.voiceName).not.toBe('en-us');

    expect(value(await f.services.historySearch('ALOUD')).entries.map((e) => e.id)).toEqual([entry.id]);
    expect(value(await f.services.historySearch('nothing like this')).total).toBe(0);

    const before = proxy.connections;
    expect(value(await f.services.historyReplay(entry.id))).toEqual({ outcome: 'started', truncated: false });
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

  it('read again uses the current settings; export, delete and clear work and are announced', async () => {
    const f = await setup();
    await readToEnd(f, () => f.services.speakText('Read me twice.'));
    const first = value(await f.services.historyList()).entries[0]!;

    await f.services.updateSettings({ outputFormat: 'mp3_22050_32' });
    f.changes.length = 0;
    await readToEnd(f, () => f.services.historyReadAgain(first.id));
    const again = value(await f.services.historyList()).entries[0]!;
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ text: 'Read me twice.', outputFormat: 'mp3_22050_32' });
    expect(f.states.filter((s) => s.kind === 'speaking').at(-1)).toMatchObject({ source: 'history' });

    const target = join(f.dir, 'exports', 'first.wav');
    expect(value(await f.services.historyExport(first.id, target, 'wav'))).toEqual({ path: target });
    const wav = await readFile(target);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.length).toBe(44 + first.audioBytes);

    expect(value(await f.services.historyDelete(first.id))).toEqual({ deleted: true });
    expect(value(await f.services.historyDelete(first.id))).toEqual({ deleted: false });
    expect(await f.services.historyReplay(first.id)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await f.services.historyExport(first.id, join(f.dir, 'gone.wav'), 'wav')).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(value(await f.services.historyClear())).toBeNull();
    expect(value(await f.services.historyList()).total).toBe(0);
    expect(f.changes.slice(-2)).toEqual([{ kind: 'deleted', id: first.id }, { kind: 'cleared' }]);
  });

  it('a smaller retention limit prunes the history at once', async () => {
    const f = await setup();
    await readToEnd(f, () => f.services.speakText('One.'));
    f.changes.length = 0;
    await readToEnd(f, () => f.services.speakText('Two.'));
    const [newest, oldest] = value(await f.services.historyList()).entries;
    value(await f.services.updateSettings({ history: { maxEntries: 1 } }));
    await until(() => f.changes.some((c) => c.kind === 'pruned'), 5000, 'pruned');
    expect(f.changes.at(-1)).toEqual({ kind: 'pruned', ids: [oldest!.id] });
    expect(value(await f.services.historyList()).entries.map((e) => e.id)).toEqual([newest!.id]);
  });

  it('a voice preview replaces the current reading, whatever the policy, and is not stored', async () => {
    const f = await setup({ busyPolicy: 'ignore' });
    f.player.rate = 1;
    value(await f.services.speakText('A longer reading that the preview cuts off. '.repeat(20)));
    await until(() => (f.player.current?.playedMs() ?? 0) > 200, 20_000, 'audio heard');
    f.player.rate = 8;
    expect(value(await f.services.previewVoice('en-gb'))).toEqual({ outcome: 'started', truncated: false });
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
});

describe('services: selection and clipboard', () => {
  it('reads the captured selection, with its source', async () => {
    const f = await setup();
    f.selection.next = { text: 'Selected words.', source: 'selection' };
    expect(value(await f.services.readSelection())).toEqual({
      outcome: 'started',
      truncated: false,
      source: 'selection',
    });
    expect(f.states[0]).toEqual({ kind: 'connecting', source: 'selection' });
    value(await f.services.stop());

    f.selection.next = { text: 'From the clipboard fallback.', source: 'clipboard' };
    expect(value(await f.services.readSelection())).toMatchObject({ source: 'clipboard' });
    expect(f.states.at(-1)).toEqual({ kind: 'connecting', source: 'clipboard' });
    expect(value(await f.services.stop())).toEqual({ kind: 'idle' });
  });

  it('says clearly when there is nothing to read or the capture failed', async () => {
    const f = await setup();
    f.selection.next = { text: '  ', source: 'selection' };
    expect(await f.services.readSelection()).toMatchObject({ ok: false, code: 'no_selection' });
    f.selection.next = { text: '', source: 'clipboard' };
    expect(await f.services.readSelection()).toMatchObject({ ok: false, code: 'clipboard_empty' });
    f.selection.next = new Error('xclip is not installed');
    expect(await f.services.readSelection()).toEqual({
      ok: false,
      code: 'capture_failed',
      message: 'The selected text could not be read (xclip is not installed).',
    });
    f.clipboard.next = '\n';
    expect(await f.services.readClipboard()).toMatchObject({ ok: false, code: 'clipboard_empty' });
    f.clipboard.next = new Error('no clipboard');
    expect(await f.services.readClipboard()).toMatchObject({ ok: false, code: 'capture_failed' });
    expect(f.states).toEqual([]);

    f.clipboard.next = 'Clipboard text.';
    expect(value(await f.services.readClipboard())).toEqual({ outcome: 'started', truncated: false });
    expect(f.states[0]).toEqual({ kind: 'connecting', source: 'clipboard' });
  });
});

describe('services: settings, key and the HTTP API', () => {
  it('updateSettings applies valid patches and explains invalid ones', async () => {
    const f = await setup();
    expect(value(await f.services.updateSettings({ busyPolicy: 'queue' })).busyPolicy).toBe('queue');
    expect(value(await f.services.getSettings()).busyPolicy).toBe('queue');
    const bad = await f.services.updateSettings({ voiceSettings: { speed: 9 } });
    expect(bad).toMatchObject({ ok: false, code: 'invalid_settings' });
    expect(!bad.ok && bad.message).toContain('voiceSettings.speed');
    expect(await f.services.updateSettings('engine=offline')).toMatchObject({
      ok: false,
      code: 'invalid_settings',
    });
    expect(value(await f.services.getSettings()).voiceSettings.speed).toBe(1);
  });

  it('keeps the key for the session when no keychain is reachable, and never hands it out', async () => {
    const f = await setup();
    expect(value(await f.services.keyStatus()).state).toBe('unavailable');
    expect(await f.services.setKey('too-short')).toMatchObject({ ok: false, code: 'invalid_key' });
    const status = value(await f.services.setKey(`  ${KEY}\n`));
    expect(status.state).toBe('session-only');
    const results = [status, value(await f.services.keyStatus()), value(await f.services.getSettings())];
    expect(JSON.stringify(results)).not.toContain(KEY);
    expect(f.logLines.join('\n')).not.toContain(KEY);
    value(await f.services.clearKey());
    expect(value(await f.services.keyStatus()).state).toBe('unavailable');
  });

  it('lists voices and models of the offline voice; it has no subscription', async () => {
    const f = await setup();
    const voices = value(await f.services.listVoices('offline'));
    expect(voices.map((v) => v.voiceId)).toContain('en-us');
    expect(value(await f.services.listModels()).map((m) => m.modelId)).toEqual(['hark_offline_v1']);
    expect(value(await f.services.getSubscription())).toBeNull();
  });

  it('ElevenLabs calls need a key, send it as the header, and map refusals to codes', async () => {
    // The offline server answers GET /v1/voices like ElevenLabs; its token plays the account's key.
    const f = await setup({ engine: 'elevenlabs', baseUrl: proxy.url });
    expect(await f.services.listVoices()).toMatchObject({ ok: false, code: 'no_api_key' });
    expect(await f.services.getSubscription()).toMatchObject({ ok: false, code: 'no_api_key' });

    value(await f.services.setKey(KEY));
    expect(await f.services.listVoices()).toMatchObject({ ok: false, code: 'invalid_api_key' });

    value(await f.services.setKey(offline.token));
    expect(value(await f.services.listVoices()).map((v) => v.voiceId)).toContain('en-us');
    expect(value(await f.services.listModels('elevenlabs')).map((m) => m.modelId)).toEqual([
      'hark_offline_v1',
    ]);
    // This server has no subscription endpoint: a clear failure, not a throw.
    expect(await f.services.getSubscription()).toMatchObject({ ok: false, code: 'server_error' });
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
    value(await f.services.setKey(KEY));
    await readToEnd(f, () => f.services.speakText('No quota left.'));
    expect(f.states.at(-1)).toMatchObject({ kind: 'error', code: 'quota_exceeded' });
    expect(value(await f.services.getState())).toEqual(f.states.at(-1));
    expect(server.connections[0]!.headers['xi-api-key']).toBe(KEY);
    expect(value(await f.services.dismissError())).toEqual({ kind: 'idle' });
  });

  it('with the fallback, the offline voice reads instead and the user is told', async () => {
    const server = await quotaServer();
    const f = await setup({ engine: 'elevenlabs', baseUrl: server.url });
    value(await f.services.setKey(KEY));
    await readToEnd(f, () => f.services.speakText('Offline instead.'));
    expect(f.states.at(-1)).toEqual({ kind: 'idle' });
    expect(f.notices.map((n) => n.code)).toEqual(['offline_fallback']);
    expect(value(await f.services.historyList()).entries[0]).toMatchObject({ engine: 'offline' });
  });
});

describe('services: bad payloads', () => {
  it('every verb checks its arguments and answers invalid_payload without doing anything', async () => {
    const f = await setup();
    await readToEnd(f, () => f.services.speakText('An entry to aim at.'));
    const id = value(await f.services.historyList()).entries[0]!.id;
    const playbacks = f.player.playbacks.length;
    const statesBefore = f.states.length;
    const outside = join(f.dir, 'outside.txt');

    const attempts: [string, Promise<Result<unknown>>][] = [
      ['speakText(number)', f.services.speakText(42)],
      ['speakText(object)', f.services.speakText({ text: 'hi' })],
      ['speakText(huge)', f.services.speakText('x'.repeat(MAX_ACCEPTED_CHARS + 1))],
      ['historyList(string)', f.services.historyList('all')],
      ['historyList(negative offset)', f.services.historyList({ offset: -1 })],
      ['historyList(huge limit)', f.services.historyList({ limit: 1_000_000 })],
      ['historyList(fraction)', f.services.historyList({ limit: 2.5 })],
      ['historyList(extra key)', f.services.historyList({ offset: 0, where: 'x' })],
      ['historySearch(number)', f.services.historySearch(5)],
      ['historySearch(long)', f.services.historySearch('q'.repeat(10_000))],
      ['historyReplay(path)', f.services.historyReplay('../../etc/passwd')],
      ['historyReplay(undefined)', f.services.historyReplay(undefined)],
      ['historyReadAgain(number)', f.services.historyReadAgain(7)],
      ['historyDelete(array)', f.services.historyDelete([id])],
      ['historyExport(relative path)', f.services.historyExport(id, 'out.wav', 'wav')],
      ['historyExport(wrong extension)', f.services.historyExport(id, outside, 'wav')],
      ['historyExport(bad format)', f.services.historyExport(id, join(f.dir, 'a.flac'), 'flac')],
      ['historyExport(NUL)', f.services.historyExport(id, `${f.dir}/a\0.wav`, 'wav')],
      ['previewVoice(bad id)', f.services.previewVoice('../voices')],
      ['previewVoice(bad engine)', f.services.previewVoice('en-us', 'google')],
      ['listVoices(bad engine)', f.services.listVoices(3)],
      ['listModels(bad engine)', f.services.listModels('cloud')],
      ['getSubscription(bad engine)', f.services.getSubscription({})],
      ['setKey(number)', f.services.setKey(123)],
      ['setKey(huge)', f.services.setKey('k'.repeat(100_000))],
    ];
    for (const [name, attempt] of attempts) {
      const result = await attempt;
      expect({ name, ...result }).toMatchObject({ name, ok: false, code: 'invalid_payload' });
      expect(typeof (result as { message: string }).message).toBe('string');
    }
    expect(await f.services.speakText(' \n ')).toMatchObject({ ok: false, code: 'empty_text' });
    expect(f.player.playbacks.length).toBe(playbacks);
    expect(f.states.length).toBe(statesBefore);
    expect(value(await f.services.historyList()).total).toBe(1);
    await expect(stat(outside)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
