// The real services (main/app/headless.ts: stores, keychain, offline voice, reading controller) as a
// HarkApi, for component tests: every call goes through the contract's own dispatch(), the path
// Electron's IPC and the bridge take, so a component sees exactly what it would see in the app.
// Only the player is absent (a component test has no audio): player.connect() throws.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, EVENT_SUBSCRIBERS, VERBS, dispatch } from '../../shared/contract';
import type { EventName, HarkApi, HarkServices } from '../../shared/contract';
import { startHeadlessApp } from '../../main/app/headless';
import type { HeadlessApp, HeadlessOptions } from '../../main/app/headless';
import type { Logger } from '../../main/store/redact';

export function apiFromServices(services: HarkServices): HarkApi {
  const api: Record<string, unknown> = {};
  for (const verb of VERBS) api[verb] = (payload?: unknown) => dispatch(services, verb, payload);
  for (const event of EVENTS) {
    api[EVENT_SUBSCRIBERS[event]] = (listener: (data: unknown) => void) =>
      services.subscribe(event as EventName, listener);
  }
  api.player = {
    connect() {
      throw new Error('component tests have no player page');
    },
    post() {},
    disconnect() {},
  };
  return api as unknown as HarkApi;
}

/** The API with every settings patch recorded on its way to main. */
export function recordingPatches(api: HarkApi): { api: HarkApi; patches: Record<string, unknown>[] } {
  const patches: Record<string, unknown>[] = [];
  return {
    patches,
    api: {
      ...api,
      updateSettings: (payload) => {
        patches.push(payload.patch);
        return api.updateSettings(payload);
      },
    },
  };
}

export interface LiveApi {
  api: HarkApi;
  app: HeadlessApp;
  dataDir: string;
  /** Closes the services and deletes the data folder. */
  close(): Promise<void>;
}

/** Collects warnings instead of printing them, so a test can assert on them. */
export function quietLogger(lines: string[] = []): Logger {
  const record = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

export async function startLiveApi(options: Partial<HeadlessOptions> = {}): Promise<LiveApi> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'hark-live-')));
  const app = await startHeadlessApp({ log: quietLogger(), ...options, dataDir });
  return {
    api: apiFromServices(app.services),
    app,
    dataDir,
    close: async () => {
      await app.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
