// `hark voices`: the voices of the offline engine, or of the ElevenLabs account (GET /v1/voices).
import { OfflineVoice } from '../engine/offline-voice';
import { createHttpClient } from '../elevenlabs/http-client';
import { listVoices as listAccountVoices } from '../elevenlabs/voices';
import type { VoicesOptions } from './args';
import type { CliContext } from './context';
import { chooseEngine } from './engine';
import type { EngineChoice } from './engine';
import { EXIT_OK } from './errors';

export interface VoiceListing {
  voiceId: string;
  name: string;
  /** Language code for offline voices; the category (premade, cloned...) and language otherwise. */
  detail: string;
}

export async function listOfflineVoices(): Promise<VoiceListing[]> {
  const voice = new OfflineVoice();
  try {
    const voices = await voice.voices();
    return voices.map((v) => ({ voiceId: v.voiceId, name: v.name, detail: v.language }));
  } finally {
    await voice.close();
  }
}

/** GET /v1/voices through the shared HTTP client (key in the header only, 10 s timeout). */
export async function listElevenLabsVoices(
  baseUrl: string,
  apiKey: string,
  signal: AbortSignal,
): Promise<VoiceListing[]> {
  const voices = await listAccountVoices(createHttpClient({ baseUrl, apiKey }), { signal });
  return voices.map((v) => ({
    voiceId: v.voiceId,
    name: v.name,
    detail: v.language ? `${v.category}, ${v.language}` : v.category,
  }));
}

export function listVoices(choice: EngineChoice, signal: AbortSignal): Promise<VoiceListing[]> {
  return choice.kind === 'offline'
    ? listOfflineVoices()
    : listElevenLabsVoices(choice.baseUrl, choice.apiKey, signal);
}

/** One voice per line, columns aligned: id, name, detail. */
export function formatVoices(voices: readonly VoiceListing[]): string {
  const idWidth = Math.max(...voices.map((v) => v.voiceId.length), 0);
  const nameWidth = Math.max(...voices.map((v) => v.name.length), 0);
  return voices
    .map((v) => `${v.voiceId.padEnd(idWidth)}  ${v.name.padEnd(nameWidth)}  ${v.detail}`.trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}

/** `hark voices`: prints the list (or JSON with --json). */
export async function voicesCommand(options: VoicesOptions, ctx: CliContext): Promise<number> {
  const voices = await listVoices(await chooseEngine(options, ctx.env), ctx.signal);
  ctx.stdout.write(options.json ? `${JSON.stringify(voices)}\n` : formatVoices(voices));
  return EXIT_OK;
}
