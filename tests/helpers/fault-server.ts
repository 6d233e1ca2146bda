// A stream-input server on loopback (a scripted-server underneath) that speaks in a code instead of
// a voice, and misbehaves on demand, one plan per connection.
//
// The code: each character becomes CODED_CHAR_MS of 8 kHz 16-bit PCM whose samples all hold the
// character's code, with alignment in the same frame. decodeCodedAudio() turns audio back into the
// characters it voices, so a test can see in the audio itself whether a word was heard twice or not
// at all, and check that a word's timing points at that word's audio.
import type { Alignment } from '../../shared/protocol';
import { startScriptedServer } from './scripted-server';
import type { ScriptedConnection, ScriptedServer } from './scripted-server';

export const CODED_OUTPUT_FORMAT = 'pcm_8000';
export const CODED_CHAR_MS = 10;
const SAMPLE_RATE = 8000;
const SAMPLES_PER_CHAR = (SAMPLE_RATE * CODED_CHAR_MS) / 1000;

export type FaultAction =
  /** The TCP connection is destroyed without a close frame (the client sees 1006). */
  | { kind: 'drop' }
  | { kind: 'close'; code: number; reason?: string }
  /** Nothing more is sent; the socket stays open. */
  | { kind: 'stall' }
  /** An in-band error frame, then a close with its code. */
  | { kind: 'error'; error: string; message: string; code?: number }
  /** A text frame sent as is: malformed JSON, invalid base64, ... */
  | { kind: 'raw'; data: string }
  /** One audio frame of this many bytes of base64 (more than the client accepts). */
  | { kind: 'oversize'; bytes: number };

export interface ConnectionPlan {
  /** Answers the handshake with this HTTP status instead of accepting. */
  refuse?: number;
  /** Never answers the handshake (the client's connect timeout ends it). */
  hang?: boolean;
  /** After this many characters voiced on the connection, `then` happens. */
  after?: number;
  then?: FaultAction;
  /** Characters per audio frame (default 3), so that faults strike mid-word. */
  frameChars?: number;
  /** A wait between frames: a slow drip. */
  dripMs?: number;
  /** Each frame's alignment again, in an audio-less frame right after it. */
  duplicateAlignment?: boolean;
  /** Each frame's character start times reversed (out of order). */
  reversedTimes?: boolean;
  /** After the end of input, everything is voiced but neither isFinal nor a close follows. */
  neverFinal?: boolean;
}

export interface FaultServer extends ScriptedServer {
  /** What each connection voiced, in order (the text of the audio it sent). */
  readonly voiced: string[];
}

/** `chars` as coded PCM: CODED_CHAR_MS per character, every sample the character's code. */
export function codedAudio(chars: readonly string[]): Uint8Array {
  const samples = new Uint16Array(chars.length * SAMPLES_PER_CHAR);
  chars.forEach((char, i) => {
    const start = i * SAMPLES_PER_CHAR;
    samples.fill((char.codePointAt(0) ?? 0) & 0xffff, start, start + SAMPLES_PER_CHAR);
  });
  return new Uint8Array(samples.buffer);
}

/** The characters coded audio voices (a code that is not one character's reads as '\uFFFD'). */
export function decodeCodedAudio(audio: Uint8Array): string {
  const view = new DataView(audio.buffer, audio.byteOffset, audio.byteLength);
  const count = Math.floor(audio.byteLength / 2 / SAMPLES_PER_CHAR);
  let text = '';
  for (let i = 0; i < count; i++) {
    const first = view.getUint16(i * SAMPLES_PER_CHAR * 2, true);
    let whole = true;
    for (let s = 1; s < SAMPLES_PER_CHAR; s++) {
      if (view.getUint16((i * SAMPLES_PER_CHAR + s) * 2, true) !== first) whole = false;
    }
    text += whole ? String.fromCharCode(first) : '\uFFFD';
  }
  return text;
}

function alignmentOf(chars: readonly string[], reversed: boolean): Alignment {
  const starts = chars.map((_, i) => i * CODED_CHAR_MS);
  return {
    chars: [...chars],
    charStartTimesMs: reversed ? starts.reverse() : starts,
    charDurationsMs: chars.map(() => CODED_CHAR_MS),
  };
}

function sendFrame(c: ScriptedConnection, chars: readonly string[], plan: ConnectionPlan): void {
  const alignment = alignmentOf(chars, plan.reversedTimes === true);
  c.sendAudio(codedAudio(chars), { alignment });
  if (plan.duplicateAlignment) c.send({ audio: null, isFinal: null, alignment, normalizedAlignment: null });
}

function act(c: ScriptedConnection, action: FaultAction): void {
  switch (action.kind) {
    case 'drop':
      return c.drop();
    case 'close':
      return c.close(action.code, action.reason ?? '');
    case 'stall':
      return;
    case 'error':
      return c.sendError(action.error, action.message, action.code);
    case 'raw':
      return c.sendRaw(action.data);
    case 'oversize':
      return c.send({ audio: 'A'.repeat(action.bytes - (action.bytes % 4)), isFinal: null, alignment: null });
  }
}

/** Runs one connection by its plan; returns once it is over (or has stalled on purpose). */
async function follow(
  c: ScriptedConnection,
  plan: ConnectionPlan,
  voiced: (text: string) => void,
): Promise<void> {
  if (plan.refuse !== undefined) return c.refuse(plan.refuse);
  if (plan.hang) return;
  await c.accept();
  await c.nextMessage(); // BOS
  const frameChars = plan.frameChars ?? 3;
  let count = 0;
  for (;;) {
    const message = (await c.nextMessage(60_000)) as { text: string };
    if (message.text === '') break;
    if (!message.text.trim()) continue;
    const chars = Array.from(message.text);
    for (let i = 0; i < chars.length; i += frameChars) {
      let frame = chars.slice(i, i + frameChars);
      const faultNow = plan.after !== undefined && count + frame.length >= plan.after;
      if (faultNow) frame = frame.slice(0, (plan.after ?? 0) - count);
      if (frame.length > 0) {
        sendFrame(c, frame, plan);
        voiced(frame.join(''));
        count += frame.length;
      }
      if (faultNow) return act(c, plan.then ?? { kind: 'drop' });
      if (plan.dripMs) await c.sleep(plan.dripMs);
    }
  }
  if (plan.neverFinal) return;
  c.sendFinal();
  c.close(1000);
}

/** Connections beyond `plans` are healthy: they voice everything and end normally. */
export async function startFaultServer(plans: readonly ConnectionPlan[]): Promise<FaultServer> {
  const voiced: string[] = [];
  const server = await startScriptedServer((c) => {
    voiced[c.index] = '';
    return follow(c, plans[c.index] ?? {}, (text) => (voiced[c.index] += text));
  });
  return Object.assign(server, { voiced });
}
