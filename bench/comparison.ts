// Hark's client against the two peer clients, on the same `hark serve`, behind the same measuring proxy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENTS, FIRST_AUDIO_CLIENTS, installStandInPlayer, startClient } from './clients';
import type { ClientName, ClientSetup, ClientUsage } from './clients';
import type { MeasuringProxy } from './measuring-proxy';
import { median, now } from './stats';

export interface FirstAudioRow {
  label: string;
  characters: number;
  /** Median ms per client, from the client's handshake request (the protocol alone). */
  medians: Record<ClientName, number>;
  /** Median ms per client, from launching its process (what a command-line user waits). */
  launchMedians: Record<ClientName, number>;
  runs: number;
}

export interface TotalsRow {
  client: ClientName;
  /** Medians over the runs: launch to exit, CPU time, peak resident memory. */
  wallMs: number;
  cpuMs: number;
  peakMb: number;
  runs: number;
}

export interface CharactersRow {
  client: ClientName;
  charactersSent: number;
  share: number;
  runs: number;
}

const FIRST_AUDIO_TIMEOUT_MS = 30_000;
const COMPLETE_TIMEOUT_MS = 120_000;
/** Messages already on the wire when a client stops still reach the proxy within this. */
const SETTLE_MS = 100;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rotates the client order each repetition, so no client always runs right after another. */
function rotated(clients: readonly ClientName[], round: number): ClientName[] {
  return clients.map((_, i) => clients[(i + round) % clients.length] as ClientName);
}

function emptyMedians(): Record<ClientName, number> {
  return { hark: NaN, seed: NaN, docs: NaN, harkPcm: NaN };
}

function emptySamples(): Record<ClientName, number[]> {
  return { hark: [], seed: [], docs: [], harkPcm: [] };
}

/** A scratch folder with the stand-in player, removed afterwards. */
async function withSetup<T>(
  proxy: MeasuringProxy,
  token: string,
  use: (setup: ClientSetup) => Promise<T>,
): Promise<T> {
  const scratchDir = await mkdtemp(join(tmpdir(), 'hark-bench-'));
  try {
    const playerPath = await installStandInPlayer(scratchDir);
    return await use({ baseUrl: proxy.url, token, scratchDir, playerPath });
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

interface FirstAudioSample {
  fromHandshake: number;
  fromLaunch: number;
}

async function firstAudioOnce(
  proxy: MeasuringProxy,
  setup: ClientSetup,
  client: ClientName,
  text: string,
): Promise<FirstAudioSample> {
  const measurement = proxy.beginRun();
  const launchedAt = now();
  const run = startClient(client, setup, text, 'first-audio');
  try {
    // A client that ends (or fails) without any audio must not leave us waiting for the timeout.
    const endedWithoutAudio = run.done.then(() => {
      throw new Error(`${client} ended without receiving audio`);
    });
    const firstAudioAt = await withTimeout(
      Promise.race([measurement.firstAudio, endedWithoutAudio]),
      FIRST_AUDIO_TIMEOUT_MS,
      `${client} first audio`,
    );
    return {
      fromHandshake: firstAudioAt - (measurement.connectedAt ?? firstAudioAt),
      fromLaunch: firstAudioAt - launchedAt,
    };
  } finally {
    // Only the start matters here: stop the client instead of waiting for the whole text.
    run.stop();
    await run.done.catch(() => undefined);
    await sleep(SETTLE_MS);
  }
}

/** Time to first audio for each text, every client, `repetitions` rounds interleaved. */
export function compareFirstAudio(
  proxy: MeasuringProxy,
  token: string,
  texts: readonly { label: string; text: string }[],
  repetitions: number,
): Promise<FirstAudioRow[]> {
  return withSetup(proxy, token, async (setup) => {
    const samples = texts.map(emptySamples);
    const launchSamples = texts.map(emptySamples);
    // Round -1 warms the server's JIT and encoders up for everybody and is not counted.
    for (let round = -1; round < repetitions; round++) {
      for (const [index, { text }] of texts.entries()) {
        for (const client of rotated(FIRST_AUDIO_CLIENTS, round + 1)) {
          const sample = await firstAudioOnce(proxy, setup, client, text);
          if (round < 0) continue;
          samples[index]![client].push(sample.fromHandshake);
          launchSamples[index]![client].push(sample.fromLaunch);
        }
      }
    }
    const mediansOf = (perClient: Record<ClientName, number[]>): Record<ClientName, number> => {
      const medians = emptyMedians();
      for (const client of FIRST_AUDIO_CLIENTS) medians[client] = median(perClient[client]);
      return medians;
    };
    return texts.map(({ label, text }, index) => ({
      label,
      characters: text.length,
      medians: mediansOf(samples[index]!),
      launchMedians: mediansOf(launchSamples[index]!),
      runs: repetitions,
    }));
  });
}

/** Characters each client has sent when the listener stops it `stopAfterMs` after it started. */
export function compareCharactersSent(
  proxy: MeasuringProxy,
  token: string,
  text: string,
  stopAfterMs: number,
  repetitions: number,
): Promise<CharactersRow[]> {
  return withSetup(proxy, token, async (setup) => {
    const samples = emptySamples();
    for (let round = 0; round < repetitions; round++) {
      for (const client of rotated(CLIENTS, round)) {
        const measurement = proxy.beginRun();
        const run = startClient(client, setup, text, 'listen');
        await sleep(stopAfterMs);
        run.stop();
        await run.done;
        await sleep(SETTLE_MS);
        samples[client].push(measurement.charactersSent);
      }
    }
    return CLIENTS.map((client) => {
      const sent = median(samples[client]);
      return { client, charactersSent: sent, share: sent / text.length, runs: repetitions };
    });
  });
}

/**
 * Each client reads `text` to the end into an MP3 file, one run at a time: wall time from launch to
 * exit, CPU time and peak memory of the client's process (the server's work is not counted).
 */
export function compareTotals(
  proxy: MeasuringProxy,
  token: string,
  text: string,
  repetitions: number,
): Promise<TotalsRow[]> {
  return withSetup(proxy, token, async (setup) => {
    const samples: Record<ClientName, ClientUsage[]> = { hark: [], seed: [], docs: [], harkPcm: [] };
    for (let round = 0; round < repetitions; round++) {
      for (const client of rotated(CLIENTS, round)) {
        proxy.beginRun();
        const run = startClient(client, setup, text, 'complete');
        await withTimeout(run.done, COMPLETE_TIMEOUT_MS, `${client} reading the whole text`);
        samples[client].push(await run.usage);
        await sleep(SETTLE_MS);
      }
    }
    return CLIENTS.map((client) => ({
      client,
      wallMs: median(samples[client].map((usage) => usage.wallMs)),
      cpuMs: median(samples[client].map((usage) => usage.cpuMs)),
      peakMb: median(samples[client].map((usage) => usage.peakMb)),
      runs: repetitions,
    }));
  });
}
