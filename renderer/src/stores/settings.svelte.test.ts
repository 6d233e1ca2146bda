// @vitest-environment jsdom
// The settings store against the real services (settings file on disk, schema, offline engine).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingPatches, startLiveApi } from '../../../tests/helpers/live-api';
import type { LiveApi } from '../../../tests/helpers/live-api';
import type { HarkApi, Settings } from '../../../shared/contract';
import { SettingsStore, patchFor } from './settings.svelte';

async function stored(live: LiveApi): Promise<Settings> {
  const result = await live.api.getSettings();
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('SettingsStore', () => {
  let live: LiveApi;
  let store: SettingsStore | undefined;
  beforeEach(async () => {
    live = await startLiveApi();
  });
  afterEach(async () => {
    store?.dispose();
    store = undefined;
    await live.close();
  });

  async function loaded(api: HarkApi = live.api): Promise<SettingsStore> {
    store = new SettingsStore(api);
    await store.load();
    return store;
  }

  it('loads the stored settings and the key status', async () => {
    const s = await loaded();
    expect(s.settings).toEqual(await stored(live));
    expect(s.draft).toEqual(s.settings);
    const status = await live.api.keyStatus();
    expect(status.ok && s.key.status).toEqual(status.ok && status.value);
  });

  it('sends one small patch per change and reports it saved', async () => {
    const { api, patches } = recordingPatches(live.api);
    const s = await loaded(api);
    s.edit('overlay.dimRest', true);
    await vi.waitFor(() => expect(s.saving.kind).toBe('saved'));
    expect(patches).toEqual([{ overlay: { dimRest: true } }]);
    expect((await stored(live)).overlay.dimRest).toBe(true);
    expect(s.settings?.overlay.dimRest).toBe(true);
  });

  it('sends only the last of quick slider moves', async () => {
    const { api, patches } = recordingPatches(live.api);
    const s = await loaded(api);
    for (const speed of [0.8, 0.9, 1.1]) s.edit('voiceSettings.speed', speed, { debounceMs: 50 });
    expect(s.draft?.voiceSettings.speed).toBe(1.1);
    await vi.waitFor(() => expect(s.saving.kind).toBe('saved'));
    expect(patches).toEqual([{ voiceSettings: { speed: 1.1 } }]);
    expect((await stored(live)).voiceSettings.speed).toBe(1.1);
  });

  it('names a refused field and puts the control back to the stored value', async () => {
    const s = await loaded();
    s.edit('voiceSettings.speed', 5);
    await vi.waitFor(() => expect(s.saving.kind).toBe('rejected'));
    expect(s.problems['voiceSettings.speed']).toBe('must be between 0.7 and 1.2');
    expect(s.draft?.voiceSettings.speed).toBe(1);
    expect((await stored(live)).voiceSettings.speed).toBe(1);
    // The next accepted change of that field clears the problem.
    s.edit('voiceSettings.speed', 0.9);
    await vi.waitFor(() => expect(s.saving.kind).toBe('saved'));
    expect(s.problems['voiceSettings.speed']).toBeUndefined();
  });

  it('leaves refused typing alone until the field is left, then shows the stored value', async () => {
    const s = await loaded();
    const before = s.settings?.baseUrl;
    s.edit('baseUrl', 'htp:/nowhere', { keepOnReject: true });
    await vi.waitFor(() => expect(s.problems.baseUrl).toBe('must start with https://'));
    expect(s.draft?.baseUrl).toBe('htp:/nowhere');
    s.commit('baseUrl');
    expect(s.draft?.baseUrl).toBe(before);
    expect(s.problems.baseUrl).toBe('must start with https://');
    expect((await stored(live)).baseUrl).toBe(before);
  });

  it('shows the stored spelling once a typed field is left', async () => {
    const s = await loaded();
    s.edit('baseUrl', 'http://127.0.0.1:9/', { keepOnReject: true });
    await vi.waitFor(() => expect(s.saving.kind).toBe('saved'));
    expect(s.draft?.baseUrl).toBe('http://127.0.0.1:9/');
    s.commit('baseUrl');
    expect(s.draft?.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('puts a hotkey conflict on the action the schema names, and clears it when resolved', async () => {
    const s = await loaded();
    const clipboard = s.settings!.hotkeys.readClipboard;
    s.edit('hotkeys.readSelection', clipboard);
    await vi.waitFor(() => expect(s.saving.kind).toBe('rejected'));
    expect(s.problems['hotkeys.readClipboard']).toBe('same combination as readSelection');
    expect(s.draft?.hotkeys.readSelection).toBe('CommandOrControl+Alt+Shift+S');
    s.edit('hotkeys.readSelection', 'CommandOrControl+Alt+Shift+R');
    await vi.waitFor(() => expect(s.saving.kind).toBe('saved'));
    expect(s.problems['hotkeys.readClipboard']).toBeUndefined();
    expect((await stored(live)).hotkeys.readSelection).toBe('CommandOrControl+Alt+Shift+R');
  });

  it('sends a change still waiting when the window closes', async () => {
    const s = await loaded();
    s.edit('overlay.fontScale', 1.5, { debounceMs: 60_000 });
    s.dispose();
    store = undefined;
    await vi.waitFor(async () => expect((await stored(live)).overlay.fontScale).toBe(1.5));
  });

  it('lists the voices of the engine in use and follows an engine change', async () => {
    const s = await loaded();
    await vi.waitFor(() => expect(s.voices.value?.length).toBeGreaterThan(50), { timeout: 20_000 });
    expect(s.voicesEngine).toBe('offline');
    expect(s.voices.value?.some((voice) => voice.voiceId === 'en-us')).toBe(true);
    s.edit('engine', 'elevenlabs');
    await vi.waitFor(() => expect(s.voices.failure?.code).toBe('no_api_key'));
    expect(s.voicesEngine).toBe('elevenlabs');
    expect(s.voices.value).toBeUndefined();
    // Without a key there is no quota to show, and nothing is asked.
    expect(s.subscription.value).toBeUndefined();
    expect(s.subscription.failure).toBeUndefined();
  });

  it('suspends the hotkeys while recording and resumes them once, also when closed', async () => {
    const calls: string[] = [];
    const api: HarkApi = {
      ...live.api,
      suspendHotkeys: () => (calls.push('suspend'), live.api.suspendHotkeys()),
      resumeHotkeys: () => (calls.push('resume'), live.api.resumeHotkeys()),
    };
    const s = await loaded(api);
    s.hotkeys.start('stop');
    s.hotkeys.start('readClipboard');
    expect(s.hotkeys.recording).toBe('readClipboard');
    s.hotkeys.stop();
    s.hotkeys.stop();
    expect(calls).toEqual(['suspend', 'resume']);
    s.hotkeys.start('pauseResume');
    s.dispose();
    store = undefined;
    expect(calls).toEqual(['suspend', 'resume', 'suspend', 'resume']);
  });
});

describe('patchFor', () => {
  it('builds the smallest patch for a path', () => {
    expect(patchFor('engine', 'offline')).toEqual({ engine: 'offline' });
    expect(patchFor('voiceSettings.style', 0.2)).toEqual({ voiceSettings: { style: 0.2 } });
  });
});
