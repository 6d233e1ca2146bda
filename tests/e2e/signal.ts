// Measurements of a recorded signal (what the tap heard), computed in Node.

/** Index of the first and last sample above the silence threshold, or undefined if all quiet. */
export function activeRange(samples: number[], threshold = 1e-3): [number, number] | undefined {
  const first = samples.findIndex((sample) => Math.abs(sample) >= threshold);
  if (first < 0) return undefined;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last] ?? 0) < threshold) last--;
  return [first, last];
}

/** Frequency from linearly interpolated rising zero crossings. */
export function frequencyHz(samples: number[], sampleRate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1] ?? 0;
    const after = samples[i] ?? 0;
    if (before < 0 && after >= 0) crossings.push(i - 1 + before / (before - after));
  }
  const first = crossings[0];
  const last = crossings[crossings.length - 1];
  if (first === undefined || last === undefined || crossings.length < 2) return 0;
  return ((crossings.length - 1) * sampleRate) / (last - first);
}

/** The longest run of near-zero samples: a gap in the stream shows up here. */
export function longestQuietRun(samples: number[], threshold = 1e-3): number {
  let longest = 0;
  let run = 0;
  for (const sample of samples) {
    run = Math.abs(sample) < threshold ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

export function rms(samples: number[]): number {
  const sum = samples.reduce((total, sample) => total + sample * sample, 0);
  return Math.sqrt(sum / Math.max(1, samples.length));
}
