// Listens to what a real page sends to its speakers, from outside: an init script (it runs before the
// page's own scripts) makes every AudioContext's `destination` a gain node that feeds the real
// speakers and a ScriptProcessor recording the peak level of each block. The page itself has no test
// hooks. A ScriptProcessor (not a worklet) needs no module to load, so the page's Content Security
// Policy stays in force.
import type { Page } from '@playwright/test';

/** One recorded block: when it played on the audio clock (seconds) and its peak level (0..1). */
export interface TapBlock {
  time: number;
  peak: number;
}

// Plain JavaScript: it runs in the page, and this file is type-checked without the DOM library.
const INSTALL_TAP = `(() => {
  const realDestination = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'destination').get;
  const buses = new WeakMap();
  const blocks = [];
  globalThis.__harkOutputTap = { take: () => blocks.splice(0) };
  Object.defineProperty(BaseAudioContext.prototype, 'destination', {
    configurable: true,
    get() {
      let bus = buses.get(this);
      if (bus) return bus;
      const speakers = realDestination.call(this);
      bus = this.createGain();
      bus.connect(speakers);
      const recorder = this.createScriptProcessor(1024, 1, 1);
      recorder.onaudioprocess = (event) => {
        const samples = event.inputBuffer.getChannelData(0);
        let peak = 0;
        for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
        blocks.push({ time: event.playbackTime, peak });
      };
      bus.connect(recorder);
      // Its output is silence, but a processor only runs while something pulls on it.
      recorder.connect(speakers);
      buses.set(this, bus);
      return bus;
    },
  });
})();`;

export async function installOutputTap(page: Page): Promise<void> {
  await page.addInitScript({ content: INSTALL_TAP });
}

/** The blocks recorded since the last call (none before the page made an AudioContext). */
export function takeTapBlocks(page: Page): Promise<TapBlock[]> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { __harkOutputTap?: { take(): TapBlock[] } }).__harkOutputTap?.take() ?? [],
  );
}
