// Every component reaches main through the HarkApi handed down by App.svelte (window.hark in
// Electron, the loopback bridge in a browser, the real services in component tests).
import { getContext, setContext } from 'svelte';
import type { HarkApi } from '../../../shared/contract';

const KEY = Symbol('hark-api');

export function provideHarkApi(api: HarkApi): void {
  setContext(KEY, api);
}

export function useHarkApi(): HarkApi {
  const api = getContext<HarkApi | undefined>(KEY);
  if (!api) throw new Error('useHarkApi() outside a component tree that provides the API');
  return api;
}

/** For component tests: the context map `render(Component, { context })` takes. */
export function harkApiContext(api: HarkApi): Map<symbol, HarkApi> {
  return new Map([[KEY, api]]);
}
