// shared/settings-schema.ts must stay free of Node code, so it keeps its own copy of what it needs from
// main's modules; these checks keep the copies and the originals in step.
import { describe, expect, it } from 'vitest';
import { checkBaseUrl, defaultSettings } from '../../shared/settings-schema';
import { DEFAULT_OFFLINE_VOICE_ID } from '../engine/offline-voice';
import { API_REGIONS } from '../elevenlabs/http-client';

describe('the settings schema next to main', () => {
  it("picks the offline engine's own default voice", () => {
    expect(defaultSettings().voiceIds.offline).toBe(DEFAULT_OFFLINE_VOICE_ID);
  });

  it('accepts every region preset of the HTTP client as a base URL', () => {
    for (const preset of Object.values(API_REGIONS))
      expect(checkBaseUrl(preset.baseUrl)).toEqual({ ok: true, value: preset.baseUrl });
  });
});
