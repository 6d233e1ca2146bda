// Keeps the audio output awake between readings, so the first words of the next one are heard.
//
// Why: many Bluetooth headsets and speakers (and some USB/HDMI outputs) power down their amplifier or
// radio link after a few seconds of digital silence and take a few hundred milliseconds to wake
// when sound comes back, which clips the start of a reading. Chromium, and so Electron, may also
// move an AudioContext that has rendered only zeros for a while onto a silent stand-in output, and
// switching back costs time too. Both key on digital silence, so a signal that is never zero but far
// too quiet to hear keeps them awake.
//
// The signal: a 20 Hz sine at -80 dBFS. At 16 bits that is about 3 of the smallest steps, so it
// survives the output's conversion. Even from an output that peaks at 110 dB SPL it is about 30 dB
// SPL, while the ear needs some 75 dB SPL to hear anything at 20 Hz; and a sine has no DC offset
// for an output's DC filter to remove. It goes straight to the context's destination, so the
// player's volume (even 0) never silences it.
//
// While main has a reading paused, the player suspends the whole context (its clock must stop), so
// the keep-alive rests too: a very long pause may let a Bluetooth output sleep.

/** Peak level of the keep-alive signal (-80 dBFS). */
export const KEEP_AWAKE_LEVEL = 1e-4;
export const KEEP_AWAKE_HZ = 20;

export class KeepAwake {
  readonly #context: BaseAudioContext;
  readonly #destination: AudioNode;
  #nodes: { oscillator: OscillatorNode; gain: GainNode } | undefined;

  constructor(context: BaseAudioContext, destination: AudioNode = context.destination) {
    this.#context = context;
    this.#destination = destination;
  }

  get running(): boolean {
    return this.#nodes !== undefined;
  }

  start(): void {
    if (this.#nodes) return;
    const oscillator = this.#context.createOscillator();
    oscillator.type = 'sine';
    oscillator.frequency.value = KEEP_AWAKE_HZ;
    const gain = this.#context.createGain();
    gain.gain.value = KEEP_AWAKE_LEVEL;
    oscillator.connect(gain).connect(this.#destination);
    oscillator.start();
    this.#nodes = { oscillator, gain };
  }

  stop(): void {
    const nodes = this.#nodes;
    if (!nodes) return;
    this.#nodes = undefined;
    nodes.oscillator.stop();
    nodes.oscillator.disconnect();
    nodes.gain.disconnect();
  }
}
