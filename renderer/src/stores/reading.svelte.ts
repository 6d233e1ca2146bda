// The reading being heard, as the listener steers it: its whole text and sentences (ReadingText, once
// per reading), where the listener is (ReadingPosition, on every sentence or speed change and about
// once a second), and the verbs that move it: previous, next, jump to a sentence, and the speed.
// A verb that fails leaves its message in `failed` until the next one succeeds or it is dismissed.
import type {
  Failure,
  HarkApi,
  ReadingPosition,
  ReadingText,
  Result,
  Unsubscribe,
} from '../../../shared/contract';

/** The part of the HarkApi this store uses. */
export type ReadingApi = Pick<
  HarkApi,
  | 'getReading'
  | 'onReadingText'
  | 'onPosition'
  | 'previousSentence'
  | 'nextSentence'
  | 'jumpToSentence'
  | 'setSpeed'
>;

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 3;
export const SPEED_STEP = 0.1;

/** On the contract's grid: 0.5 to 3, in steps of 0.1. */
export function roundSpeed(speed: number): number {
  const clamped = Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
  return Math.round(clamped * 10) / 10;
}

export class ReadingStore {
  /** The text being read, or undefined when nothing is. */
  text = $state.raw<ReadingText | undefined>();
  /** Where the listener is, or undefined when nothing is being read. */
  position = $state.raw<ReadingPosition | undefined>();
  /** The last verb that failed, until a verb succeeds or it is dismissed. */
  failed = $state<Failure | undefined>();

  /** The sentence being heard, kept inside the text's sentences. */
  readonly sentence: number | undefined = $derived.by(() => {
    const { position, text } = this;
    if (!position || !text) return undefined;
    const last = Math.max(0, text.sentences.length - 1);
    return Math.min(last, Math.max(0, position.sentence));
  });
  /** Something is being read and it can be moved by sentence (a history replay cannot). */
  readonly steerable: boolean = $derived(
    this.text !== undefined && this.position !== undefined && this.position.steerable,
  );

  readonly #api: ReadingApi;
  readonly #unsubscribe: Unsubscribe[];
  #textSeen = false;
  #positionSeen = false;

  constructor(api: ReadingApi) {
    this.#api = api;
    // Subscribe first, then ask: an event that lands between the two is not lost, nor overwritten.
    this.#unsubscribe = [
      api.onReadingText((text) => this.#onText(text)),
      api.onPosition((position) => this.#onPosition(position)),
    ];
    // The text comes once per reading, so an answer's text still counts after a position event.
    void api.getReading().then((result) => {
      if (!result.ok) return;
      if (!this.#textSeen) this.text = result.value?.text;
      if (!this.#positionSeen && !this.#textSeen) this.position = result.value?.position;
    });
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  previous(): Promise<void> {
    return this.#run(() => this.#api.previousSentence());
  }

  next(): Promise<void> {
    return this.#run(() => this.#api.nextSentence());
  }

  /** Reads on from sentence `index` (0-based). */
  jump(index: number): Promise<void> {
    return this.#run(() => this.#api.jumpToSentence({ index }));
  }

  /** Sets the speed (rounded to the contract's grid); the answer is the speed main set. */
  async setSpeed(speed: number): Promise<void> {
    const result = await this.#api.setSpeed({ speed: roundSpeed(speed) });
    this.failed = result.ok ? undefined : result;
    if (result.ok && this.position) this.position = { ...this.position, speed: result.value };
  }

  dismiss(): void {
    this.failed = undefined;
  }

  async #run(verb: () => Promise<Result<unknown>>): Promise<void> {
    const result = await verb();
    this.failed = result.ok ? undefined : result;
  }

  #onText(text: ReadingText | null): void {
    this.#textSeen = true;
    if (text === null) {
      this.text = undefined;
      this.position = undefined;
      return;
    }
    // Reading ids count up in main: a lower one is a late event of a reading already gone.
    if (this.text && text.readingId < this.text.readingId) return;
    if (this.position && this.position.readingId < text.readingId) this.position = undefined;
    this.text = text;
  }

  #onPosition(position: ReadingPosition): void {
    this.#positionSeen = true;
    if (this.position && position.readingId < this.position.readingId) return;
    this.position = position;
  }
}
