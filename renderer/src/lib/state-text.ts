// What Hark is doing, in words, for the status line every window shows.
import type { AppState, ReadingSource } from '../../../shared/contract';

const SOURCE_WORDS: Record<ReadingSource, string> = {
  selection: 'the selection',
  clipboard: 'the clipboard',
  typed: 'your text',
  history: 'a history entry',
};

function queued(count: number): string {
  return count > 0 ? `, ${count} more queued` : '';
}

export function describeAppState(state: AppState): string {
  switch (state.kind) {
    case 'idle':
      return 'Ready';
    case 'connecting':
      return `Starting to read ${SOURCE_WORDS[state.source]}…`;
    case 'reconnecting':
      return `Connection lost, reconnecting to go on reading ${SOURCE_WORDS[state.source]} (attempt ${state.attempt})…`;
    case 'speaking':
      return `Reading ${SOURCE_WORDS[state.source]}${queued(state.queued)}`;
    case 'paused':
      return `Paused${queued(state.queued)}`;
    case 'error':
      return state.message;
  }
}

/** A reading is under way (pause and stop make sense). */
export function isReading(state: AppState): boolean {
  return (
    state.kind === 'connecting' ||
    state.kind === 'reconnecting' ||
    state.kind === 'speaking' ||
    state.kind === 'paused'
  );
}
