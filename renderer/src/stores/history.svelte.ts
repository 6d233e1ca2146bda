// The History tab's data: a sparse, lazily filled copy of the history (or of a search's matches),
// newest first, plus the outcome of the last action for the status line.
//
// Rows are fetched a page at a time, aligned to PAGE_SIZE offsets, only for the range the list
// shows, and kept. Live changes (historyChanged) are applied to the copy in place: an added entry is
// put on top, deleted ones are cut out, a clear empties it, so nothing is fetched again. Any change
// bumps a generation number; a page answered for an older generation is dropped (its offsets may
// have shifted) and the rows still wanted are fetched again.
import type {
  AppState,
  ExportFormat,
  HarkApi,
  HistoryChange,
  HistoryEntry,
  HistoryPage,
  ReadOutcome,
  Result,
  Unsubscribe,
} from '../../../shared/contract';
import { pageOffsets } from '../components/history/windowing';
import type { RowRange } from '../components/history/windowing';
import { oneLine } from '../lib/format';

export const PAGE_SIZE = 100;
export const SEARCH_DELAY_MS = 200;

export interface HistoryMessage {
  tone: 'info' | 'error';
  text: string;
}

export interface HistoryListOptions {
  pageSize?: number;
  searchDelayMs?: number;
  /** Rows were inserted (delta > 0) or removed (delta < 0) at `index` by a live change. */
  onRowsMoved?: (index: number, delta: number) => void;
  /** Every row was dropped for a new query or a retry: the list starts over at the top. */
  onReset?: () => void;
}

/** The part of the Clipboard API copying needs. */
export type TextClipboard = Pick<Clipboard, 'writeText'>;

/** The same rule as the search in main (main/store/history.ts): text or voice name, any case. */
export function matchesQuery(entry: HistoryEntry, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return entry.text.toLowerCase().includes(needle) || entry.voiceName.toLowerCase().includes(needle);
}

function quoted(entry: HistoryEntry): string {
  return `“${oneLine(entry.text, 40)}”`;
}

export class HistoryListStore {
  /** What the search box holds. */
  query = $state('');
  /** The query the rows belong to: trails `query` by the search delay. */
  appliedQuery = $state('');
  /** Entries in the history, or matching the applied query. */
  total = $state(0);
  /** False until the first page for the applied query has arrived. */
  ready = $state(false);
  /** Why the last page could not be loaded (the envelope's message); cleared by the next success. */
  loadError = $state<string>();
  /** What the last action did, or why it failed. */
  message = $state<HistoryMessage>();
  /** Sparse: index -> entry for the rows fetched so far. Replaced, never mutated, so reads track. */
  #rows = $state.raw<(HistoryEntry | undefined)[]>([]);

  readonly #api: HarkApi;
  readonly #pageSize: number;
  readonly #searchDelayMs: number;
  readonly #onRowsMoved: (index: number, delta: number) => void;
  readonly #onReset: () => void;
  readonly #unsubscribe: Unsubscribe[];
  #generation = 0;
  /** Page offsets asked for in the current generation (bookkeeping only: nothing renders it). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pending = new Set<number>();
  #wanted: RowRange = { start: 0, end: 0 };
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** A replay or read-again was started here: its failure, if any, belongs on this page. */
  #followingReading = false;
  #disposed = false;

  constructor(api: HarkApi, options: HistoryListOptions = {}) {
    this.#api = api;
    this.#pageSize = options.pageSize ?? PAGE_SIZE;
    this.#searchDelayMs = options.searchDelayMs ?? SEARCH_DELAY_MS;
    this.#onRowsMoved = options.onRowsMoved ?? (() => undefined);
    this.#onReset = options.onReset ?? (() => undefined);
    // Subscribe first, then ask: a change that lands in between is not lost (it drops the answer).
    this.#unsubscribe = [
      api.onHistoryChanged((change) => this.#applyChange(change)),
      api.onState((state) => this.#followState(state)),
    ];
    this.ensureRange({ start: 0, end: this.#pageSize });
  }

  /** The entry at a row, when its page has arrived. */
  entryAt(index: number): HistoryEntry | undefined {
    return this.#rows[index];
  }

  /** How many rows are held (for tests and diagnostics). */
  get loadedCount(): number {
    return this.#rows.reduce((count) => count + 1, 0);
  }

  /** No history at all (not merely no matches). */
  get isEmpty(): boolean {
    return this.ready && this.total === 0 && this.appliedQuery.trim() === '';
  }

  /** Makes sure the rows in [start, end) are fetched or on their way. */
  ensureRange(range: RowRange): void {
    this.#wanted = { ...range };
    // After a failure nothing is asked again until retry(): scrolling must not hammer a dead link.
    if (this.loadError !== undefined) return;
    if (!this.ready) {
      // Until a page tells the total, one request at a time: the first page of what is wanted.
      if (this.#pending.size === 0) void this.#fetchPage(this.#firstWantedPage());
      return;
    }
    const end = Math.min(range.end, this.total);
    for (const offset of pageOffsets({ start: range.start, end }, this.#pageSize)) {
      if (this.#pending.has(offset) || this.#pageLoaded(offset)) continue;
      void this.#fetchPage(offset);
    }
  }

  /** The search box changed: search once typing pauses. */
  setQuery(query: string): void {
    this.query = query;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.applyQuery(), this.#searchDelayMs);
  }

  /** Searches for the box's text now (Enter in the box, or the delay ran out). */
  applyQuery(): void {
    clearTimeout(this.#searchTimer);
    if (this.query === this.appliedQuery) return;
    this.appliedQuery = this.query;
    this.#reset({ start: 0, end: this.#pageSize });
  }

  /** After a failed load: ask again for what the list shows. */
  retry(): void {
    this.loadError = undefined;
    this.#reset();
  }

  // -------------------------------------------------------------------------------------------
  // Actions: each reports in `message`

  async replay(entry: HistoryEntry): Promise<void> {
    await this.#startReading(this.#api.historyReplay({ id: entry.id }), `Replaying ${quoted(entry)}.`);
  }

  async readAgain(entry: HistoryEntry): Promise<void> {
    await this.#startReading(
      this.#api.historyReadAgain({ id: entry.id }),
      `Reading ${quoted(entry)} again with the current voice.`,
    );
  }

  async exportAs(entry: HistoryEntry, format: ExportFormat): Promise<void> {
    const result = await this.#api.historyExport({ id: entry.id, format });
    if (!result.ok) return this.#fail(result.message);
    // A cancelled save dialog is the user's own choice: nothing to report.
    this.message = result.value.saved
      ? { tone: 'info', text: `Saved ${format.toUpperCase()} to ${result.value.path}` }
      : undefined;
  }

  async delete(entry: HistoryEntry): Promise<boolean> {
    const result = await this.#api.historyDelete({ id: entry.id });
    if (!result.ok) {
      this.#fail(result.message);
      return false;
    }
    this.message = {
      tone: 'info',
      text: result.value ? `Deleted ${quoted(entry)}.` : 'That reading was already deleted.',
    };
    return result.value;
  }

  async clear(): Promise<boolean> {
    const result = await this.#api.historyClear();
    if (!result.ok) {
      this.#fail(result.message);
      return false;
    }
    this.message = { tone: 'info', text: 'The history is cleared.' };
    return true;
  }

  async copyText(entry: HistoryEntry, clipboard: TextClipboard | undefined): Promise<void> {
    if (!clipboard) return this.#fail('Copying is not available here: this page has no clipboard access.');
    try {
      await clipboard.writeText(entry.text);
      this.message = { tone: 'info', text: `Copied ${quoted(entry)}.` };
    } catch (error) {
      const reason = error instanceof Error && error.message ? ` (${error.message})` : '';
      this.#fail(`The text could not be copied to the clipboard${reason}.`);
    }
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#searchTimer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  // -------------------------------------------------------------------------------------------

  #fail(text: string): void {
    this.message = { tone: 'error', text };
  }

  async #startReading(call: Promise<Result<ReadOutcome>>, startedText: string): Promise<void> {
    // Follow from before the answer: over IPC the failure's state event can arrive first.
    this.#followingReading = true;
    const result = await call;
    if (!result.ok) {
      this.#followingReading = false;
      return this.#fail(result.message);
    }
    if (result.value === 'ignored') {
      this.#followingReading = false;
      this.message = {
        tone: 'info',
        text: 'Hark is busy with another reading, so this one was not started.',
      };
      return;
    }
    // The state may already have reported a failure while the call was answered.
    if (this.#followingReading) this.message = { tone: 'info', text: startedText };
  }

  #followState(state: AppState): void {
    if (!this.#followingReading) return;
    if (state.kind === 'error') {
      this.#followingReading = false;
      this.#fail(state.message);
    } else if (state.kind === 'idle') {
      this.#followingReading = false;
    }
  }

  #firstWantedPage(): number {
    return Math.floor(this.#wanted.start / this.#pageSize) * this.#pageSize;
  }

  #pageLoaded(offset: number): boolean {
    const end = Math.min(offset + this.#pageSize, this.total);
    for (let index = offset; index < end; index++) if (this.#rows[index] === undefined) return false;
    return true;
  }

  /** Forgets every row and the total (new query, retry) and fetches the first wanted page again. */
  #reset(range: RowRange = this.#wanted): void {
    this.#newGeneration();
    this.#rows = [];
    this.ready = false;
    this.#onReset();
    this.ensureRange(range);
  }

  #newGeneration(): void {
    this.#generation++;
    this.#pending.clear();
  }

  /** Drops every held row and fetches what the list shows (the total comes with the first answer). */
  #refetchWanted(): void {
    this.#newGeneration();
    this.#rows = [];
    this.ensureRange(this.#wanted);
  }

  async #fetchPage(offset: number): Promise<void> {
    const generation = this.#generation;
    this.#pending.add(offset);
    const query = this.appliedQuery.trim();
    const request = { offset, limit: this.#pageSize };
    const result = query
      ? await this.#api.historySearch({ query, ...request })
      : await this.#api.historyList(request);
    // Stale: whoever started the new generation asks for the rows it needs.
    if (this.#disposed || generation !== this.#generation) return;
    this.#pending.delete(offset);
    if (!result.ok) {
      this.loadError = result.message;
      return;
    }
    this.loadError = undefined;
    this.#placePage(offset, result.value);
    this.ensureRange(this.#wanted);
  }

  #placePage(offset: number, page: HistoryPage): void {
    // A total that moved without an event we saw means the held rows may be shifted: keep only these.
    const rows = this.ready && page.total === this.total ? this.#rows.slice() : [];
    page.entries.forEach((entry, i) => (rows[offset + i] = entry));
    rows.length = page.total;
    this.#rows = rows;
    this.total = page.total;
    this.ready = true;
  }

  #applyChange(change: HistoryChange): void {
    if (change.kind === 'cleared') {
      this.#newGeneration();
      this.#rows = [];
      this.total = 0;
      this.ready = true;
      return;
    }
    if (change.kind === 'added') this.#insertAtTop(change.entry);
    else this.#remove(change.ids);
  }

  #insertAtTop(entry: HistoryEntry): void {
    if (!matchesQuery(entry, this.appliedQuery)) return;
    if (!this.ready) return this.#refetchWanted();
    if (this.#rows.some((row) => row?.id === entry.id)) return;
    this.#newGeneration();
    const rows = this.#rows.slice();
    rows.unshift(entry); // keeps the holes of rows not fetched yet, one place further down
    this.#rows = rows;
    this.total += 1;
    this.#onRowsMoved(0, 1);
    this.ensureRange(this.#wanted);
  }

  #remove(ids: readonly string[]): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup table for this call only
    const doomed = new Set(ids);
    const found: number[] = [];
    this.#rows.forEach((row, index) => {
      if (row && doomed.has(row.id)) found.push(index);
    });
    // An id not among the held rows is either not in this list at all (all rows are held) or at a
    // place nobody knows: then only a fresh fetch of what is shown can tell.
    const allHeld = this.ready && this.loadedCount === this.total;
    if (found.length < doomed.size && !allHeld) return this.#refetchWanted();
    if (found.length === 0) return;
    this.#newGeneration();
    const rows = this.#rows.slice();
    for (const index of found.reverse()) {
      rows.splice(index, 1);
      this.#onRowsMoved(index, -1);
    }
    this.#rows = rows;
    this.total -= found.length;
    this.ensureRange(this.#wanted);
  }
}
