// The eSpeak NG WebAssembly build ships no types; espeak-worker.ts describes the parts it uses.
declare module '@echogarden/espeak-ng-emscripten' {
  const initialize: () => Promise<unknown>;
  export default initialize;
}
