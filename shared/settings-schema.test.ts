import { describe, expect, it } from 'vitest';
import { parseAccelerator } from './accelerator';
import {
  DEFAULT_HOTKEYS,
  HOTKEY_ACTIONS,
  LATENCY_PRESETS,
  MIGRATIONS,
  SETTINGS_VERSION,
  checkBaseUrl,
  defaultSettings,
  migrate,
  streamOptionsForPreset,
  streamParametersFor,
  validateSettings,
} from './settings-schema';
import type { Migration } from './settings-schema';

function paths(raw: unknown): string[] {
  return validateSettings(raw).problems.map((problem) => problem.path);
}

describe('defaults', () => {
  it('validate without a single problem and round-trip through JSON', () => {
    const defaults = defaultSettings();
    const result = validateSettings(JSON.parse(JSON.stringify(defaults)));
    expect(result.problems).toEqual([]);
    expect(result.settings).toEqual(defaults);
  });

  it('are fresh objects every time (no shared mutable state)', () => {
    const a = defaultSettings();
    a.voiceSettings.speed = 1.2;
    a.hotkeys.stop = '';
    expect(defaultSettings().voiceSettings.speed).toBe(1);
    expect(defaultSettings().hotkeys.stop).toBe(DEFAULT_HOTKEYS.stop);
  });

  it('use distinct, valid hotkeys with a non-Shift modifier', () => {
    const combos = HOTKEY_ACTIONS.map((action) => DEFAULT_HOTKEYS[action]);
    expect(new Set(combos).size).toBe(combos.length);
    for (const combo of combos) expect(parseAccelerator(combo)).toEqual({ ok: true, value: combo });
  });

  it('has a version equal to the number of migrations', () => {
    expect(SETTINGS_VERSION).toBe(MIGRATIONS.length);
    expect(defaultSettings().version).toBe(SETTINGS_VERSION);
  });
});

describe('validateSettings field by field', () => {
  it('keeps valid fields and resets only the invalid ones, saying which', () => {
    const result = validateSettings({
      version: 1,
      engine: 'elevenlabs',
      baseUrl: 'https://api.eu.residency.elevenlabs.io/',
      voiceIds: { elevenlabs: 'abc123', offline: 'not a voice!' },
      outputFormat: 'pcm_24000',
      voiceSettings: { stability: 0.2, speed: 3, style: '0.4', use_speaker_boost: false },
      latencyPreset: 'turbo',
      busyPolicy: 'queue',
      overlay: 'on',
      history: { maxEntries: 10.5, maxMegabytes: 20 },
    });
    const { settings, problems } = result;
    const defaults = defaultSettings();
    expect(settings.engine).toBe('elevenlabs');
    expect(settings.baseUrl).toBe('https://api.eu.residency.elevenlabs.io');
    expect(settings.voiceIds).toEqual({ elevenlabs: 'abc123', offline: defaults.voiceIds.offline });
    expect(settings.outputFormat).toBe('pcm_24000');
    expect(settings.voiceSettings).toEqual({
      ...defaults.voiceSettings,
      stability: 0.2,
      use_speaker_boost: false,
    });
    expect(settings.latencyPreset).toBe(defaults.latencyPreset);
    expect(settings.busyPolicy).toBe('queue');
    expect(settings.overlay).toEqual(defaults.overlay);
    expect(settings.history).toEqual({ maxEntries: defaults.history.maxEntries, maxMegabytes: 20 });
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'voiceIds.offline',
        'voiceSettings.speed',
        'voiceSettings.style',
        'latencyPreset',
        'overlay',
        'history.maxEntries',
      ].sort(),
    );
    expect(problems.find((p) => p.path === 'voiceSettings.speed')?.reason).toBe(
      'must be between 0.7 and 1.2',
    );
    expect(problems.every((p) => p.kind === 'invalid')).toBe(true);
  });

  it('fills missing fields with defaults without calling them problems', () => {
    const result = validateSettings({ version: 1, busyPolicy: 'ignore', overlay: { dimRest: true } });
    expect(result.problems).toEqual([]);
    expect(result.settings).toEqual({
      ...defaultSettings(),
      busyPolicy: 'ignore',
      overlay: { ...defaultSettings().overlay, dimRest: true },
    });
  });

  it('ignores and reports unknown fields, including an API key that does not belong here', () => {
    const result = validateSettings({ apiKey: 'sk_secret', overlay: { blink: true } });
    expect(result.problems).toEqual([
      { path: 'apiKey', kind: 'unknown', reason: 'not a known setting' },
      { path: 'overlay.blink', kind: 'unknown', reason: 'not a known setting' },
    ]);
    expect(JSON.stringify(result.settings)).not.toContain('sk_secret');
  });

  it('falls back to all defaults for something that is not an object', () => {
    for (const raw of [null, 42, 'x', [1, 2]]) {
      const result = validateSettings(raw);
      expect(result.settings).toEqual(defaultSettings());
      expect(result.problems).toHaveLength(1);
    }
  });

  it('checks the bounds of every numeric field', () => {
    expect(paths({ voiceSettings: { stability: -0.01, similarity_boost: 1.01, speed: 0.69 } })).toEqual([
      'voiceSettings.stability',
      'voiceSettings.similarity_boost',
      'voiceSettings.speed',
    ]);
    expect(paths({ voiceSettings: { stability: 0, similarity_boost: 1, style: 1, speed: 1.2 } })).toEqual([]);
    expect(paths({ overlay: { fontScale: Number.NaN } })).toEqual(['overlay.fontScale']);
    expect(paths({ history: { maxEntries: 0, maxMegabytes: 0 } })).toEqual([]);
    expect(paths({ history: { maxEntries: -1 } })).toEqual(['history.maxEntries']);
  });

  it('validates colours, model ids, formats and booleans', () => {
    expect(paths({ overlay: { highlightColor: '#FFF' } })).toEqual([]);
    expect(paths({ overlay: { highlightColor: 'red;}' } })).toEqual(['overlay.highlightColor']);
    expect(paths({ modelId: 'eleven_multilingual_v2' })).toEqual([]);
    expect(paths({ modelId: '../x' })).toEqual(['modelId']);
    expect(paths({ outputFormat: 'mp3_44100' })).toEqual([]);
    expect(paths({ outputFormat: 'wav_44100' })).toEqual(['outputFormat']);
    expect(paths({ launchAtLogin: 'yes', clipboardFallback: 1, fallbackToOffline: false })).toEqual([
      'clipboardFallback',
      'launchAtLogin',
    ]);
  });

  it('validates hotkeys, allows disabling one, and resolves conflicts between actions', () => {
    const result = validateSettings({
      hotkeys: { readSelection: 'alt+ctrl+r', readClipboard: 'Control+Alt+R', pauseResume: '', stop: 'X' },
    });
    expect(result.settings.hotkeys).toEqual({
      ...DEFAULT_HOTKEYS,
      readSelection: 'Alt+Ctrl+R',
      readClipboard: DEFAULT_HOTKEYS.readClipboard,
      pauseResume: '',
      stop: DEFAULT_HOTKEYS.stop,
    });
    expect(result.problems.map((p) => [p.path, p.reason])).toEqual([
      ['hotkeys.stop', expect.stringMatching(/every app/)],
      ['hotkeys.readClipboard', 'same combination as readSelection'],
    ]);
  });

  it('unbinds a conflicting hotkey when its default is taken too', () => {
    const result = validateSettings({
      hotkeys: { readSelection: DEFAULT_HOTKEYS.stop, stop: DEFAULT_HOTKEYS.stop },
    });
    expect(result.settings.hotkeys.readSelection).toBe(DEFAULT_HOTKEYS.stop);
    expect(result.settings.hotkeys.stop).toBe('');
  });
});

describe('checkBaseUrl', () => {
  it('accepts custom https servers with a path prefix, and plain http to this computer', () => {
    expect(checkBaseUrl('https://proxy.example.com/eleven/')).toEqual({
      ok: true,
      value: 'https://proxy.example.com/eleven',
    });
    expect(checkBaseUrl('http://127.0.0.1:8123')).toEqual({ ok: true, value: 'http://127.0.0.1:8123' });
    expect(checkBaseUrl('http://localhost:9000')).toMatchObject({ ok: true });
    expect(checkBaseUrl('http://[::1]:9000')).toMatchObject({ ok: true });
  });

  it('refuses plain http to another machine, other schemes, credentials and queries', () => {
    expect(checkBaseUrl('http://api.elevenlabs.io')).toMatchObject({ ok: false, reason: /https/ });
    expect(checkBaseUrl('ftp://example.com')).toMatchObject({ ok: false });
    expect(checkBaseUrl('wss://api.elevenlabs.io')).toMatchObject({ ok: false });
    expect(checkBaseUrl('https://user:pw@example.com')).toMatchObject({ ok: false, reason: /password/ });
    expect(checkBaseUrl('https://example.com/?key=1')).toMatchObject({ ok: false, reason: /query/ });
    expect(checkBaseUrl('not a url')).toMatchObject({ ok: false });
    expect(checkBaseUrl(5)).toMatchObject({ ok: false });
  });
});

describe('migrate', () => {
  it('leaves current files alone', () => {
    const raw = { version: SETTINGS_VERSION, engine: 'offline' };
    expect(migrate(raw)).toEqual({ kind: 'current', value: raw });
  });

  it('moves a version-0 flat voiceId to the engine it was meant for', () => {
    const result = migrate({ engine: 'elevenlabs', voiceId: 'v0voice' });
    expect(result).toEqual({
      kind: 'migrated',
      fromVersion: 0,
      value: { engine: 'elevenlabs', voiceIds: { elevenlabs: 'v0voice' }, version: 1 },
    });
    if (result.kind !== 'migrated') return;
    const settings = validateSettings(result.value).settings;
    expect(settings.voiceIds.elevenlabs).toBe('v0voice');
    expect(settings.voiceIds.offline).toBe(defaultSettings().voiceIds.offline);
  });

  it('runs every step in order from the file version up', () => {
    const steps: Migration[] = [
      (raw) => ({ ...raw, trail: `${String(raw.trail ?? '')}a` }),
      (raw) => ({ ...raw, trail: `${String(raw.trail)}b` }),
      (raw) => ({ ...raw, trail: `${String(raw.trail)}c` }),
    ];
    expect(migrate({ version: 1, trail: '' }, steps)).toEqual({
      kind: 'migrated',
      fromVersion: 1,
      value: { version: 3, trail: 'bc' },
    });
    expect(migrate({}, steps)).toMatchObject({ value: { version: 3, trail: 'abc' } });
  });

  it('never migrates a file from a newer version down', () => {
    const raw = { version: SETTINGS_VERSION + 1, engine: 'elevenlabs' };
    expect(migrate(raw)).toEqual({ kind: 'future', fromVersion: SETTINGS_VERSION + 1, value: raw });
  });

  it('rejects a malformed version and non-objects', () => {
    expect(migrate({ version: '1' })).toMatchObject({ kind: 'invalid' });
    expect(migrate({ version: -2 })).toMatchObject({ kind: 'invalid' });
    expect(migrate([])).toMatchObject({ kind: 'invalid' });
  });
});

describe('latency presets', () => {
  it('map to auto mode or a valid chunk schedule and a valid inactivity timeout', () => {
    for (const preset of LATENCY_PRESETS) {
      const options = streamOptionsForPreset(preset);
      expect(options.query.inactivity_timeout).toBeGreaterThan(0);
      expect(options.query.inactivity_timeout).toBeLessThanOrEqual(180);
      const schedule = options.generationConfig?.chunk_length_schedule;
      // auto_mode and a schedule exclude each other: exactly one of them is in effect.
      expect(options.query.auto_mode).toBe(schedule === undefined);
      for (const size of schedule ?? []) {
        expect(size).toBeGreaterThanOrEqual(50);
        expect(size).toBeLessThanOrEqual(500);
      }
    }
    expect(streamOptionsForPreset('fastest').query.auto_mode).toBe(true);
    expect(streamOptionsForPreset('balanced').generationConfig?.chunk_length_schedule).toEqual([
      120, 160, 250, 290,
    ]);
    const quality = streamOptionsForPreset('quality').generationConfig?.chunk_length_schedule ?? [];
    expect(quality[0]).toBeGreaterThan(120);
  });

  it('feed the stream parameters together with voice, model and format', () => {
    const settings = {
      ...defaultSettings(),
      engine: 'elevenlabs' as const,
      latencyPreset: 'fastest' as const,
    };
    const parameters = streamParametersFor(settings);
    expect(parameters).toEqual({
      voiceId: settings.voiceIds.elevenlabs,
      query: {
        model_id: settings.modelId,
        output_format: settings.outputFormat,
        auto_mode: true,
        inactivity_timeout: 20,
      },
      voiceSettings: settings.voiceSettings,
    });
    expect(streamParametersFor(defaultSettings()).voiceId).toBe(defaultSettings().voiceIds.offline);
  });
});
