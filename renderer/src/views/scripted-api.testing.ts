// For component tests of steering: a HarkApi whose events the test fires and whose verbs it records.
// Steering needs a reading that main is playing and a player reporting on it; a test says what main
// would have pushed (the text, the place, words, playback) and checks what the page asked for.
// Every verb answers as main would when nothing goes wrong, unless the test set another answer.
import { defaultSettings } from '../../../shared/settings-schema';
import { EVENTS, EVENT_SUBSCRIBERS, VERBS, success } from '../../../shared/contract';
import type {
  AppState,
  EventMap,
  EventName,
  HarkApi,
  ReadingPosition,
  ReadingText,
  ReadingView,
  Result,
  Verb,
} from '../../../shared/contract';

export interface VerbCall {
  verb: Verb;
  payload: unknown;
}

export class ScriptedApi {
  readonly api: HarkApi;
  /** Every verb called, in order, with its payload. */
  readonly calls: VerbCall[] = [];
  /** What getState answers. */
  state: AppState = { kind: 'idle' };
  /** What getReading answers. */
  reading: ReadingView | null = null;
  /** Answers that replace the usual ones, by verb. */
  readonly answers = new Map<Verb, Result<unknown>>();
  readonly #listeners = new Map<EventName, Set<(data: unknown) => void>>();

  constructor() {
    const api: Record<string, unknown> = {};
    for (const verb of VERBS) {
      api[verb] = (payload?: unknown) => {
        this.calls.push({ verb, payload });
        // Answered as of when the answer arrives, as main's would be, not as of the call.
        return Promise.resolve().then(() => this.answers.get(verb) ?? this.#usualAnswer(verb, payload));
      };
    }
    for (const event of EVENTS) {
      const listeners = new Set<(data: unknown) => void>();
      this.#listeners.set(event, listeners);
      api[EVENT_SUBSCRIBERS[event]] = (listener: (data: unknown) => void) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      };
    }
    api.player = { connect: () => undefined, post: () => undefined, disconnect: () => undefined };
    this.api = api as unknown as HarkApi;
  }

  /** Pushes an event to every page listening, as main does. */
  emit<E extends EventName>(event: E, data: EventMap[E]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(data);
  }

  /** How many listeners an event has (a disposed store leaves none). */
  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** The calls of one verb: their payloads, in order. */
  payloadsOf(verb: Verb): unknown[] {
    return this.calls.filter((call) => call.verb === verb).map((call) => call.payload);
  }

  /** Main starts reading `reading`: the state, the text and the first place, as pushed events. */
  startReading(text: ReadingText, position: Partial<ReadingPosition> = {}): ReadingPosition {
    const place: ReadingPosition = {
      readingId: text.readingId,
      sentence: 0,
      sentenceCount: text.sentences.length,
      elapsedMs: 0,
      remainingMs: 10_000,
      speed: 1,
      steerable: true,
      ...position,
    };
    this.state = { kind: 'speaking', source: 'typed', queued: 0 };
    this.reading = { text, position: place };
    this.emit('state', this.state);
    this.emit('readingText', text);
    this.emit('position', place);
    return place;
  }

  #usualAnswer(verb: Verb, payload: unknown): Result<unknown> {
    switch (verb) {
      case 'getState':
        return success(this.state);
      case 'getReading':
        return success(this.reading);
      case 'getSettings':
        return success(defaultSettings());
      case 'setSpeed':
        return success((payload as { speed: number }).speed);
      case 'hotkeyStatus':
        return success([]);
      default:
        return success(null);
    }
  }
}

/** A ReadingText from sentences joined by single spaces. */
export function readingOf(sentences: readonly string[], readingId = 1): ReadingText {
  const spans: { offset: number; length: number }[] = [];
  let offset = 0;
  for (const sentence of sentences) {
    spans.push({ offset, length: sentence.length });
    offset += sentence.length + 1;
  }
  return { readingId, text: sentences.join(' '), sentences: spans };
}
