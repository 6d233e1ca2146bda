// An AudioWorklet tap for the app's real player page, installed from outside before the page loads
// (the app itself has no test hooks): every AudioContext's destination becomes a gain node that feeds
// both the speakers and a meter worklet counting 128-frame blocks with speech-level energy.
// Needs the browser context's `bypassCSP`, since the worklet module comes from a blob: URL.
import type { Page } from '@playwright/test';

export interface MeterReading {
  /** Blocks whose RMS was above the speech threshold. */
  loudBlocks: number;
  totalBlocks: number;
  peakRms: number;
}

/** How loud the output was, in steps of ENVELOPE_BLOCKS blocks, from the first block on. */
export const ENVELOPE_BLOCKS = 8;

const METER_WORKLET = `
class HarkMeter extends AudioWorkletProcessor {
  constructor() {
    super();
    this.loud = 0; this.total = 0; this.peak = 0; this.sinceReport = 0;
    this.stepSum = 0; this.stepBlocks = 0; this.envelope = [];
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let sum = 0;
      for (let i = 0; i < channel.length; i++) sum += channel[i] * channel[i];
      const rms = Math.sqrt(sum / channel.length);
      this.total += 1;
      if (rms > 0.01) this.loud += 1;
      if (rms > this.peak) this.peak = rms;
      this.stepSum += sum / channel.length;
      if (++this.stepBlocks >= ${ENVELOPE_BLOCKS}) {
        this.envelope.push(Math.sqrt(this.stepSum / this.stepBlocks));
        this.stepSum = 0; this.stepBlocks = 0;
      }
    }
    if (++this.sinceReport >= 40) {
      this.sinceReport = 0;
      this.port.postMessage({ loudBlocks: this.loud, totalBlocks: this.total, peakRms: this.peak, envelope: this.envelope });
      this.envelope = [];
    }
    return true;
  }
}
registerProcessor('hark-meter', HarkMeter);
`;

/** Runs in the page before any of its scripts (plain JS: it is page code, not Node code). */
const INSTALL_METER = `
(() => {
  const reading = { loudBlocks: 0, totalBlocks: 0, peakRms: 0 };
  const envelope = [];
  globalThis.harkMeter = reading;
  globalThis.harkEnvelope = envelope;
  const moduleUrl = URL.createObjectURL(new Blob([${JSON.stringify(METER_WORKLET)}], { type: 'text/javascript' }));
  const realDestination = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'destination').get;
  const taps = new WeakMap();
  Object.defineProperty(BaseAudioContext.prototype, 'destination', {
    configurable: true,
    get() {
      const speakers = realDestination.call(this);
      let tap = taps.get(this);
      if (!tap) {
        tap = new GainNode(this);
        tap.connect(speakers);
        taps.set(this, tap);
        const input = tap;
        this.audioWorklet.addModule(moduleUrl).then(() => {
          const meter = new AudioWorkletNode(this, 'hark-meter');
          meter.port.onmessage = (event) => {
            const { envelope: steps, ...counts } = event.data;
            Object.assign(reading, counts);
            for (const step of steps) envelope.push(step);
          };
          // A silent path to the speakers keeps the meter in the rendered graph.
          input.connect(meter).connect(new GainNode(this, { gain: 0 })).connect(speakers);
        });
      }
      return tap;
    },
  });
})();
`;

export async function addAudioMeter(page: Page): Promise<void> {
  await page.addInitScript({ content: INSTALL_METER });
}

export function readMeter(page: Page): Promise<MeterReading> {
  return page.evaluate(() => ({ ...(globalThis as unknown as { harkMeter: MeterReading }).harkMeter }));
}

/** The output's loudness so far, one value per ENVELOPE_BLOCKS blocks (about 23 ms at 44.1 kHz). */
export function readEnvelope(page: Page): Promise<number[]> {
  return page.evaluate(() => [...(globalThis as unknown as { harkEnvelope: number[] }).harkEnvelope]);
}

/**
 * How alike two stretches of loudness are: the best normalised correlation of `probe` against
 * `reference` at any offset (1: the same sound, whatever its level).
 */
export function envelopeMatch(rawReference: readonly number[], rawProbe: readonly number[]): number {
  // The meter's steps fall at a different phase of the audio on each hearing (up to a step apart):
  // a 3-step moving average makes the comparison blind to that, not to the sound itself.
  const smooth = (values: readonly number[]): number[] =>
    values.map((_, i) => ((values[i - 1] ?? values[i]!) + values[i]! + (values[i + 1] ?? values[i]!)) / 3);
  const reference = smooth(rawReference);
  const probe = smooth(rawProbe);
  const normalise = (values: readonly number[]): number[] => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const centred = values.map((value) => value - mean);
    const norm = Math.sqrt(centred.reduce((sum, value) => sum + value * value, 0)) || 1;
    return centred.map((value) => value / norm);
  };
  const target = normalise(probe);
  let best = -1;
  for (let offset = 0; offset + probe.length <= reference.length; offset++) {
    const window = normalise(reference.slice(offset, offset + probe.length));
    best = Math.max(
      best,
      window.reduce((sum, value, i) => sum + value * (target[i] ?? 0), 0),
    );
  }
  return best;
}
