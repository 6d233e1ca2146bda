import { describe, expect, it } from 'vitest';
import type { VoiceInfo } from '../elevenlabs/voices';
import type { EngineKind } from '../../shared/settings-schema';
import { VoiceNames } from './voice-names';

function voice(voiceId: string, name: string): VoiceInfo {
  return { voiceId, name, category: 'premade', labels: {} };
}

describe('VoiceNames', () => {
  it('answers from what was remembered without loading', async () => {
    const loads: EngineKind[] = [];
    const names = new VoiceNames((engine) => {
      loads.push(engine);
      return Promise.resolve([]);
    });
    names.remember('elevenlabs', [voice('abc', 'George')]);
    expect(await names.describe('elevenlabs', 'abc')).toBe('George');
    expect(loads).toEqual([]);
  });

  it('loads each engine at most once, failures included, until forget()', async () => {
    const loads: EngineKind[] = [];
    let fail = true;
    const names = new VoiceNames((engine) => {
      loads.push(engine);
      return fail ? Promise.reject(new Error('offline')) : Promise.resolve([voice('abc', 'George')]);
    });
    expect(
      await Promise.all([names.describe('elevenlabs', 'abc'), names.describe('elevenlabs', 'x')]),
    ).toEqual([undefined, undefined]);
    expect(await names.describe('elevenlabs', 'abc')).toBeUndefined();
    expect(loads).toEqual(['elevenlabs']);

    fail = false;
    names.forget('elevenlabs');
    expect(await names.describe('elevenlabs', 'abc')).toBe('George');
    expect(loads).toEqual(['elevenlabs', 'elevenlabs']);
  });

  it('keeps engines apart', async () => {
    const names = new VoiceNames(() => Promise.resolve([]));
    names.remember('offline', [voice('en-us', 'English (America)')]);
    names.remember('elevenlabs', [voice('en-us', 'Somebody else')]);
    names.forget('elevenlabs');
    expect(await names.describe('offline', 'en-us')).toBe('English (America)');
    expect(await names.describe('elevenlabs', 'en-us')).toBeUndefined();
  });
});
