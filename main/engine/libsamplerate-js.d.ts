// Types for the parts of @alexanderolsen/libsamplerate-js that resampler.ts uses. The CommonJS build
// arrives either as named exports or wrapped in `default`, depending on the loader.
declare module '@alexanderolsen/libsamplerate-js' {
  /** 0 best quality … 2 fastest sinc, 3 zero-order hold, 4 linear. */
  export type ConverterTypeValue = 0 | 1 | 2 | 3 | 4;

  export interface SRC {
    /** One-shot conversion: no state is kept between calls. */
    simple(dataIn: Float32Array): Float32Array;
    /** Streaming conversion: filter state carries over between calls (never flushed by itself). */
    full(
      dataIn: Float32Array,
      dataOut?: Float32Array | null,
      outLength?: { frames: number } | null,
    ): Float32Array;
    destroy(): void;
    inputSampleRate: number;
    outputSampleRate: number;
  }

  export function create(
    channels: number,
    inputSampleRate: number,
    outputSampleRate: number,
    options?: { converterType: ConverterTypeValue },
  ): Promise<SRC>;

  export const ConverterType: Readonly<
    Record<
      | 'SRC_SINC_BEST_QUALITY'
      | 'SRC_SINC_MEDIUM_QUALITY'
      | 'SRC_SINC_FASTEST'
      | 'SRC_ZERO_ORDER_HOLD'
      | 'SRC_LINEAR',
      ConverterTypeValue
    >
  >;

  const LibSampleRate: { create: typeof create; ConverterType: typeof ConverterType };
  export default LibSampleRate;
}
