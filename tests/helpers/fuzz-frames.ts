// Random WebSocket frames for fuzzing either side of the stream-input protocol, and a memory probe.
// The frames are what a broken or hostile peer could send: JSON of any shape, text that is not JSON,
// bytes that are not UTF-8 in a text frame, binary frames, huge strings and deeply nested values,
// mixed with frames that are almost right so the validators' deeper branches are reached too.
import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

export type FuzzFrame =
  | { kind: 'text'; data: string }
  /** A text frame whose payload is not valid UTF-8 (the receiver must refuse it). */
  | { kind: 'bad-utf8'; data: Uint8Array }
  | { kind: 'binary'; data: Uint8Array };

const text = (data: string): FuzzFrame => ({ kind: 'text', data });

/** About 1.5 MB: over the offline server's 1 MiB message limit. */
const HUGE = 'x'.repeat(1_500_000);
/**
 * Under the limit, but far bigger than any sane frame. Not words: a receiver that accepts it must
 * not be made to speak for minutes (that tests the engine's speed, not the frame handling).
 */
const LARGE = ' '.repeat(300_000);
const LARGE_FIELD = 'ab'.repeat(150_000);

function nested(depth: number, open: string, close: string, inner = '0'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** Bytes that cannot be UTF-8 (a lone continuation byte, an overlong form, a surrogate). */
const badUtf8 = fc
  .tuple(
    fc.uint8Array({ maxLength: 20 }),
    fc.constantFrom([0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]),
  )
  .map(([prefix, bad]) => Uint8Array.from([...prefix.filter((b) => b < 0x80), ...bad]));

/** Frames of every kind; `protocolish` are frames that look like the protocol (the caller's side). */
export function fuzzFrame(protocolish: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzFrame> {
  return fc.oneof(
    { weight: 6, arbitrary: protocolish.map((value) => text(JSON.stringify(value) ?? 'null')) },
    { weight: 3, arbitrary: fc.jsonValue().map((value) => text(JSON.stringify(value))) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }).map(text) },
    // JSON cut off anywhere.
    {
      weight: 2,
      arbitrary: protocolish.chain((value) => {
        const json = JSON.stringify(value) ?? '';
        return fc.nat(json.length).map((cut) => text(json.slice(0, cut)));
      }),
    },
    { weight: 1, arbitrary: badUtf8.map((data): FuzzFrame => ({ kind: 'bad-utf8', data })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((data): FuzzFrame => ({ kind: 'binary', data })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        text(HUGE),
        text(JSON.stringify({ text: HUGE })),
        text(JSON.stringify({ text: LARGE })),
        text(JSON.stringify({ text: 'Hello ', padding: LARGE_FIELD })),
        text(JSON.stringify({ audio: LARGE_FIELD })),
        text(nested(50_000, '[', ']')),
        text(nested(50_000, '{"a":', '}')),
        text(nested(2_000, '{"text":"x","voice_settings":', '}', 'null')),
        text(''),
      ),
    },
  );
}

/** The V8 heap in use after a full collection (when one can be forced; otherwise as it is). */
export function heapAfterGc(): number {
  const gc = forceGc();
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

let gcFunction: (() => void) | null | undefined;

/** `global.gc` without starting Node with --expose-gc: the flag is set, and a fresh context has gc. */
function forceGc(): (() => void) | null {
  if (gcFunction !== undefined) return gcFunction;
  try {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  } catch {
    gcFunction = null;
  }
  return gcFunction;
}

/** Whether heapAfterGc() really collects (the comparisons can be tighter when it does). */
export function canForceGc(): boolean {
  return forceGc() !== null;
}

const finiteTime = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });

/** Alignment that is right, almost right (one array short, a negative time, snake case), or anything. */
export const alignmentLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat(8).chain((n) =>
    fc.record({
      chars: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), {
        minLength: n,
        maxLength: n,
      }),
      charStartTimesMs: fc.array(finiteTime, { minLength: n, maxLength: n }),
      charDurationsMs: fc.array(finiteTime, { minLength: n, maxLength: n }),
    }),
  ),
  fc.record(
    {
      chars: fc.oneof(fc.array(fc.string()), fc.array(fc.jsonValue()), fc.jsonValue()),
      charStartTimesMs: fc.oneof(fc.array(fc.double()), fc.jsonValue()),
      char_start_times_ms: fc.array(fc.double()),
      charDurationsMs: fc.oneof(fc.array(fc.double()), fc.jsonValue()),
      chars_durations_ms: fc.array(fc.integer()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

/** Base64 of random bytes: valid on the wire, nonsense as audio. */
export const base64Audio = fc
  .uint8Array({ maxLength: 2000 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));

/** Server frames of the protocol's shape with any mix of good and bad fields. */
export const serverFrameLike: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    audio: fc.oneof(base64Audio, fc.string(), fc.constant(null), fc.jsonValue()),
    isFinal: fc.oneof(fc.boolean(), fc.constant(null), fc.jsonValue()),
    alignment: alignmentLike,
    normalizedAlignment: alignmentLike,
    normalized_alignment: alignmentLike,
    error: fc.oneof(fc.string(), fc.jsonValue()),
    message: fc.oneof(fc.string(), fc.jsonValue()),
    code: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
