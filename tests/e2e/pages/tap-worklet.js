/* global AudioWorkletProcessor, registerProcessor, currentTime, sampleRate */
// A pass-through node that records what reaches the speakers, from the first non-zero sample on.
// Silence after that is recorded too, so a gap in the stream shows as a run of zeros. 'reset' starts
// over (the next sound is a new first sound).
class TapProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.blocks = [];
    this.started = false;
    this.port.onmessage = (event) => {
      if (event.data === 'reset') {
        this.blocks = [];
        this.started = false;
        return;
      }
      if (event.data !== 'dump') return;
      const length = this.blocks.reduce((sum, block) => sum + block.length, 0);
      const all = new Float32Array(length);
      let offset = 0;
      for (const block of this.blocks) {
        all.set(block, offset);
        offset += block.length;
      }
      this.port.postMessage({ type: 'dump', samples: all, sampleRate });
    };
  }

  process(inputs, outputs) {
    const input = inputs[0];
    const output = outputs[0];
    const channel = input && input.length > 0 ? input[0] : undefined;
    for (let c = 0; c < output.length; c++) {
      if (channel) output[c].set(channel);
      else output[c].fill(0);
    }
    const frames = output[0] ? output[0].length : 128;
    const block = channel ? channel.slice() : new Float32Array(frames);
    if (!this.started) {
      const first = block.findIndex((sample) => sample !== 0);
      if (first < 0) return true;
      this.started = true;
      this.port.postMessage({ type: 'first', contextTime: currentTime + first / sampleRate });
      this.blocks.push(block.subarray(first));
      return true;
    }
    this.blocks.push(block);
    return true;
  }
}

registerProcessor('hark-tap', TapProcessor);
