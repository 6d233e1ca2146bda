// Real history content for the History tab's tests. Entries go in through the real HistoryStore
// (main/store/history.ts) with a few hundred bytes of real 16-bit PCM. A history of thousands is
// written as the folder an earlier session would have left (the store's own index encoding) and then
// opened by the real store at start-up, because adding them one by one fsyncs twice per entry. That
// folder goes on a RAM disk where there is one: creating 10,000 small files on a busy disk is slow.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUDIO_DIR_NAME,
  INDEX_FILE_NAME,
  audioFileName,
  encodeIndex,
} from '../../../../shared/history-index';
import type { HistoryEntry } from '../../../../shared/history-index';
import type { NewHistoryEntry } from '../../../../main/store/history';
import { SettingsStore } from '../../../../main/store/settings';
import { startLiveApi } from '../../../../tests/helpers/live-api';
import { PlayerPage } from '../../../../tests/helpers/player-page';
import type { LiveApi } from '../../../../tests/helpers/live-api';

/** 20 ms of a 440 Hz tone at 16 kHz, 16-bit little-endian: what pcm_16000 stores. */
export function tonePcm(milliseconds = 20, sampleRate = 16_000): Uint8Array {
  const samples = Math.round((sampleRate * milliseconds) / 1000);
  const bytes = new Uint8Array(samples * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples; i++) {
    view.setInt16(i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), true);
  }
  return bytes;
}

export function reading(text: string, fields: Partial<NewHistoryEntry> = {}): NewHistoryEntry {
  return {
    text,
    voiceId: 'en-us',
    voiceName: 'English (America)',
    modelId: 'hark_offline_v1',
    engine: 'offline',
    outputFormat: 'pcm_16000',
    durationMs: 20,
    charactersBilled: text.length,
    ...fields,
  };
}

/** Adds readings oldest first (so the last one is the newest); returns them newest first. */
export async function addReadings(live: LiveApi, readings: NewHistoryEntry[]): Promise<HistoryEntry[]> {
  const added: HistoryEntry[] = [];
  for (const fields of readings) added.push(await live.app.history.add(fields, tonePcm()));
  return added.reverse();
}

/** The text of the entry `n` (1 = oldest) of a large history. */
export function largeHistoryText(n: number): string {
  return `Reading number ${n} of a long history.`;
}

/**
 * Starts the real services on a data folder that already holds `count` readings (one a minute,
 * the newest a minute ago) and a retention limit that keeps them all.
 */
export async function startLiveApiWithLargeHistory(count: number): Promise<LiveApi> {
  const dataDir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hark-history-'));
  const settings = await SettingsStore.open(dataDir);
  const saved = await settings.update({ history: { maxEntries: count * 2, maxMegabytes: 1000 } });
  if (!saved.ok) throw new Error('the test settings were refused');
  const historyDir = join(dataDir, 'history');
  await mkdir(join(historyDir, AUDIO_DIR_NAME), { recursive: true });
  const entries = largeHistoryEntries(count, Date.now());
  const audio = tonePcm(1);
  for (let i = 0; i < entries.length; i += 500) {
    const batch = entries.slice(i, i + 500);
    await Promise.all(
      batch.map((entry) => writeFile(join(historyDir, AUDIO_DIR_NAME, entry.audioFile), audio)),
    );
  }
  await writeFile(join(historyDir, INDEX_FILE_NAME), encodeIndex(entries));
  const live = await startLiveApi({ dataDir });
  return {
    ...live,
    close: async () => {
      await live.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function largeHistoryEntries(count: number, now: number): HistoryEntry[] {
  const audioBytes = tonePcm(1).byteLength;
  return Array.from({ length: count }, (_, i) => {
    const created = now - (count - i) * 60_000;
    const id = `${created.toString(36)}-${i.toString(16).padStart(12, '0')}`;
    const text = largeHistoryText(i + 1);
    return {
      ...reading(text, { durationMs: 1_000 + i }),
      id,
      createdAt: new Date(created).toISOString(),
      audioFile: audioFileName(id, 'pcm_16000'),
      audioBytes,
    };
  });
}

/**
 * A player page that "plays" a thousand times faster than real time, so readings through the real
 * services finish at once and land in the history (jsdom has no Web Audio for the real page).
 */
export function attachInstantPlayer(live: LiveApi): void {
  live.app.player.attach(new PlayerPage(1000));
}
