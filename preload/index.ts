// Preload bridge: exposes `window.hark` (the HarkApi of shared/contract.ts) and nothing else. Every verb
// is one ipcRenderer.invoke on its own channel; main checks the sender and the payload. No generic
// send/invoke and no Electron objects reach the page: event listeners get the data only (the IPC
// event would hand the page `ipcRenderer` itself).
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import {
  EVENTS,
  EVENT_SUBSCRIBERS,
  PLAYER_CONNECT_CHANNEL,
  PLAYER_PORT_CHANNEL,
  VERBS,
  eventChannel,
  failure,
  parseResult,
  verbChannel,
} from '../shared/contract';
import type {
  EventMap,
  EventName,
  HarkApi,
  HarkEvents,
  HarkVerbs,
  MainToPlayer,
  PlayerApi,
  PlayerToMain,
  Result,
  Unsubscribe,
  Verb,
} from '../shared/contract';

async function invoke(verb: Verb, payload: unknown): Promise<Result<unknown>> {
  try {
    const answer: unknown = await ipcRenderer.invoke(verbChannel(verb), payload);
    return parseResult(answer) ?? failure('internal', `${verb}: main answered without a result.`);
  } catch {
    // Only happens when main has no handler (start-up, shutdown) or the handler itself crashed.
    return failure('disconnected', `${verb}: Hark's main process did not answer.`);
  }
}

function buildVerbs(): HarkVerbs {
  const verbs: Partial<Record<Verb, (payload?: unknown) => Promise<Result<unknown>>>> = {};
  for (const verb of VERBS) verbs[verb] = (payload?: unknown) => invoke(verb, payload);
  return verbs as HarkVerbs;
}

function subscribe<E extends EventName>(event: E, listener: (data: EventMap[E]) => void): Unsubscribe {
  const channel = eventChannel(event);
  const forward = (_event: IpcRendererEvent, data: EventMap[E]): void => listener(data);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

function buildEvents(): HarkEvents {
  const events: Partial<Record<keyof HarkEvents, unknown>> = {};
  for (const event of EVENTS) {
    events[EVENT_SUBSCRIBERS[event]] = (listener: (data: EventMap[typeof event]) => void) =>
      subscribe(event, listener);
  }
  return events as HarkEvents;
}

/**
 * The player page's audio channel. Main answers PLAYER_CONNECT with a MessagePort; chunks then flow
 * port to page without passing through ipcRenderer. Messages posted before the port arrives wait.
 */
type RendererPort = IpcRendererEvent['ports'][number];

function buildPlayer(): PlayerApi {
  let port: RendererPort | undefined;
  let pending: PlayerToMain[] = [];
  let onPort: ((event: IpcRendererEvent) => void) | undefined;

  const disconnect = (): void => {
    if (onPort) ipcRenderer.removeListener(PLAYER_PORT_CHANNEL, onPort);
    onPort = undefined;
    port?.close();
    port = undefined;
    pending = [];
  };

  return {
    connect(listener: (message: MainToPlayer) => void): void {
      disconnect();
      onPort = (event: IpcRendererEvent) => {
        const received = event.ports[0];
        if (!received) return;
        port?.close();
        port = received;
        port.onmessage = (message: { data: unknown }) => listener(message.data as MainToPlayer);
        port.start();
        for (const message of pending) port.postMessage(message);
        pending = [];
      };
      ipcRenderer.on(PLAYER_PORT_CHANNEL, onPort);
      ipcRenderer.send(PLAYER_CONNECT_CHANNEL);
    },
    post(message: PlayerToMain): void {
      if (port) port.postMessage(message);
      else pending.push(message);
    },
    disconnect,
  };
}

const api: HarkApi = { ...buildVerbs(), ...buildEvents(), player: buildPlayer() };

contextBridge.exposeInMainWorld('hark', api);
