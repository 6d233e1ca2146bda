// Steering `hark speak` from the terminal: keys read from stdin in raw mode, and one progress line on
// stderr redrawn in place. The parsing and the line are pure functions; startSteering() is the thin
// terminal wiring around them. Raw mode is undone on every way out, including process.exit().

/** What a key press asks for. */
export type SteeringKey = 'pause' | 'previous' | 'next' | 'faster' | 'slower' | 'stop' | 'interrupt';

// Arrow keys arrive as CSI (ESC [ C) or, in application cursor mode, SS3 (ESC O C) sequences.
const SEQUENCES: readonly (readonly [string, SteeringKey])[] = [
  ['\x1b[C', 'next'],
  ['\x1bOC', 'next'],
  ['\x1b[D', 'previous'],
  ['\x1bOD', 'previous'],
];

const SINGLE: Readonly<Record<string, SteeringKey>> = {
  ' ': 'pause',
  '+': 'faster',
  // Unshifted + on most layouts, so speeding up does not need Shift.
  '=': 'faster',
  '-': 'slower',
  _: 'slower',
  q: 'stop',
  Q: 'stop',
  '\x03': 'interrupt',
};

/** The keys in one chunk read from a raw-mode terminal, in order; anything else is ignored. */
export function parseKeys(data: string): SteeringKey[] {
  const keys: SteeringKey[] = [];
  let at = 0;
  while (at < data.length) {
    const sequence = SEQUENCES.find(([bytes]) => data.startsWith(bytes, at));
    if (sequence) {
      keys.push(sequence[1]);
      at += sequence[0].length;
      continue;
    }
    if (data[at] === '\x1b') {
      at += escapeLength(data, at);
      continue;
    }
    const key = SINGLE[data[at] as string];
    if (key) keys.push(key);
    at += 1;
  }
  return keys;
}

/** Length of an unknown escape sequence (ESC [ params final), so its bytes are not read as keys. */
function escapeLength(data: string, at: number): number {
  const introducer = data[at + 1];
  if (introducer !== '[' && introducer !== 'O') return 1;
  let end = at + 2;
  while (end < data.length && /[0-9;?]/.test(data[end] as string)) end += 1;
  return Math.min(data.length, end + 1) - at;
}

export interface ProgressState {
  /** Where in the text; a stream (text still arriving) has no sentence count or length yet. */
  place?: { sentence: number; sentenceCount: number; totalMs: number };
  /** Times in the reading's own (1×) audio, so they do not jump when the speed changes. */
  elapsedMs: number;
  speed: number;
  paused: boolean;
  /** False when the audio cannot be stretched (not PCM): the speed hint is left out. */
  speedAdjustable: boolean;
}

/** m:ss, or h:mm:ss past an hour. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The progress line, without escape codes, cut to `columns - 1` so it never wraps (\r redraws one row). */
export function renderProgress(state: ProgressState, columns = 80): string {
  const { place } = state;
  const parts = [
    ...(place
      ? [
          `Sentence ${place.sentence + 1}/${place.sentenceCount}`,
          `${formatClock(state.elapsedMs)} / ${formatClock(Math.max(place.totalMs, state.elapsedMs))}`,
        ]
      : ['Streaming', formatClock(state.elapsedMs)]),
    ...(state.speedAdjustable ? [`${state.speed.toFixed(1)}×`] : []),
    ...(state.paused ? ['paused'] : []),
    `[space] ${state.paused ? 'resume' : 'pause'}`,
    ...(place ? ['[←/→] sentence'] : []),
    ...(state.speedAdjustable ? ['[+/-] speed'] : []),
    '[q] stop',
  ];
  const line = parts.join('  ');
  return [...line].slice(0, Math.max(1, columns - 1)).join('');
}

/** Back to column 0 and erase the row: the line is redrawn in place. */
export const REDRAW = '\r\x1b[2K';

/** The progress line needs stderr on a terminal that can draw. */
export function terminalDraws(stderr: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stderr.isTTY === true && env.TERM !== 'dumb';
}

/** Steering is for a person at a terminal: both ends must be a TTY, and the terminal must draw. */
export function canSteer(
  stdin: { isTTY?: boolean; setRawMode?: unknown },
  stderr: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
): boolean {
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function' && terminalDraws(stderr, env);
}

type RawInput = NodeJS.ReadableStream & { setRawMode(mode: boolean): unknown; isTTY?: boolean };
type TtyOutput = NodeJS.WritableStream & { columns?: number };

export interface SteeringSession {
  /** Redraws the line now (also done every `redrawMs`). */
  redraw(): void;
  /** Erases the line and gives the terminal back in cooked mode. Safe to call twice. */
  close(): void;
}

export interface SteeringOptions {
  stdin: NodeJS.ReadableStream;
  stderr: NodeJS.WritableStream;
  onKey(key: SteeringKey): void;
  state(): ProgressState;
  redrawMs?: number;
}

/** Puts the terminal in raw mode, reads keys and keeps the progress line drawn until close(). */
export function startSteering(options: SteeringOptions): SteeringSession {
  const stdin = options.stdin as RawInput;
  const stderr = options.stderr as TtyOutput;
  const onData = (data: Buffer | string): void => {
    for (const key of parseKeys(data.toString())) options.onKey(key);
  };
  const redraw = (): void => {
    stderr.write(REDRAW + renderProgress(options.state(), stderr.columns ?? 80));
  };
  // process.exit() (a second Ctrl-C, a crash) skips finally blocks but not 'exit' listeners.
  const restore = (): void => {
    stdin.setRawMode(false);
  };
  let closed = false;
  stdin.setRawMode(true);
  process.once('exit', restore);
  stdin.on('data', onData);
  stdin.resume();
  const timer = setInterval(redraw, options.redrawMs ?? 250);
  redraw();
  return {
    redraw,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      stdin.off('data', onData);
      stdin.pause();
      restore();
      process.off('exit', restore);
      stderr.write(REDRAW);
    },
  };
}
