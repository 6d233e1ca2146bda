// Types for the parts of @alexanderolsen/libsamplerate-js that resampler.ts uses. Its CommonJS build
// is loaded through the default export, which works both from Node's ESM loader and the bundle.
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

  const LibSampleRate: {
    create(
      channels: number,
      inputSampleRate: number,
      outputSampleRate: number,
      options?: { converterType: ConverterTypeValue },
    ): Promise<SRC>;
    ConverterType: {
      SRC_SINC_BEST_QUALITY: ConverterTypeValue;
      SRC_SINC_MEDIUM_QUALITY: ConverterTypeValue;
      SRC_SINC_FASTEST: ConverterTypeValue;
      SRC_ZERO_ORDER_HOLD: ConverterTypeValue;
      SRC_LINEAR: ConverterTypeValue;
    };
  };
  export default LibSampleRate;
}
