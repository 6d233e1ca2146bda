import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EVENTS,
  PLAYER_CONNECT_CHANNEL,
  PLAYER_PORT_CHANNEL,
  VERBS,
  eventChannel,
  verbChannel,
} from '../../shared/contract';
import type { AppState, PlayerChannel, PlayerToMain, Result } from '../../shared/contract';
import { recordingServices } from '../../tests/helpers/recording-services';
import { SpeechError } from '../../shared/speech-errors';
import {
  checkSender,
  forwardEvents,
  isOwnPageUrl,
  registerIpc,
  rendererBaseUrl,
  servePlayerPort,
} from './ipc';
import type {
  EventTargetLike,
  InvokeHandler,
  IpcEventLike,
  IpcMainLike,
  IpcMainOnLike,
  MessagePortMainLike,
  PortRequestListener,
  SenderPolicy,
} from './ipc';

const RENDERER = rendererBaseUrl({ rendererDir: '/opt/Hark/resources/app.asar/out/renderer' });
const OWN_PAGE = `${RENDERER}index.html#/settings`;
const OWN_WINDOW = 7;

/** ipcMain as far as registerIpc is concerned: a channel -> handler table that throws on duplicates. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: IpcEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

function frameEvent(url: string, options: { id?: number; parent?: unknown } = {}): IpcEventLike {
  return { senderFrame: { url, parent: options.parent ?? null }, sender: { id: options.id ?? OWN_WINDOW } };
}

function quietLog(): { warn: (m: string) => void; error: (m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

const policy: SenderPolicy = { rendererUrl: RENDERER, trustedWebContents: () => [OWN_WINDOW] };

describe('registerIpc', () => {
  it('registers one handler per verb of the contract, and dispose removes them all', () => {
    const ipc = new FakeIpcMain();
    const registration = registerIpc(ipc, recordingServices().services, { policy, log: quietLog() });
    expect([...ipc.handlers.keys()].sort()).toEqual(VERBS.map(verbChannel).sort());
    expect(new Set(registration.channels).size).toBe(VERBS.length);
    registration.dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('can be registered again (a reload) without a duplicate-handler error', () => {
    const ipc = new FakeIpcMain();
    const { services } = recordingServices();
    registerIpc(ipc, services, { policy, log: quietLog() });
    expect(() => registerIpc(ipc, services, { policy, log: quietLog() })).not.toThrow();
  });

  it('passes a valid call to the service and answers with its envelope', async () => {
    const ipc = new FakeIpcMain();
    const { services, calls } = recordingServices();
    registerIpc(ipc, services, { policy, log: quietLog() });
    const answer = await ipc.invoke(verbChannel('speakText'), frameEvent(OWN_PAGE), { text: 'Hello there.' });
    expect(answer).toEqual({ ok: true, value: 'started' });
    expect(calls).toEqual([{ verb: 'speakText', payload: { text: 'Hello there.' } }]);
    const state = await ipc.invoke(verbChannel('getState'), frameEvent(OWN_PAGE));
    expect(state).toEqual({ ok: true, value: { kind: 'idle' } satisfies AppState });
  });

  it.each([
    ['another web page', frameEvent('https://evil.example/index.html')],
    ['a file outside the renderer folder', frameEvent('file:///home/someone/Downloads/page.html')],
    ['a folder that only starts like ours', frameEvent(OWN_PAGE.replace('/renderer/', '/renderer-evil/'))],
    ['a sub-frame of our page', frameEvent(OWN_PAGE, { parent: { url: OWN_PAGE } })],
    ['a frame that is gone', { senderFrame: null, sender: { id: OWN_WINDOW } }],
    ['a window that is not ours', frameEvent(OWN_PAGE, { id: 99 })],
  ])('refuses %s with forbidden_sender and never calls the service', async (_name, event) => {
    const ipc = new FakeIpcMain();
    const { services, calls } = recordingServices();
    const log = quietLog();
    registerIpc(ipc, services, { policy, log });
    const answer = await ipc.invoke(verbChannel('setKey'), event as IpcEventLike, { key: 'x'.repeat(32) });
    expect(answer).toMatchObject({ ok: false, code: 'forbidden_sender' });
    expect(calls).toEqual([]);
    expect(log.lines.some((line) => line.startsWith('warn IPC setKey refused'))).toBe(true);
  });

  it('opens the log folder only for our own page, and only without a payload', async () => {
    const ipc = new FakeIpcMain();
    const recording = recordingServices();
    const log = quietLog();
    let opened = 0;
    recording.override('openLogFolder', () => (opened++, { ok: true, value: null }));
    registerIpc(ipc, recording.services, { policy, log });
    const channel = verbChannel('openLogFolder');
    expect(await ipc.invoke(channel, frameEvent('https://evil.example/'))).toMatchObject({
      ok: false,
      code: 'forbidden_sender',
    });
    expect(await ipc.invoke(channel, frameEvent(OWN_PAGE, { id: 99 }))).toMatchObject({
      code: 'forbidden_sender',
    });
    // A page cannot name the folder: the verb takes no payload at all.
    expect(await ipc.invoke(channel, frameEvent(OWN_PAGE), { path: '/etc' })).toMatchObject({
      code: 'invalid_payload',
    });
    expect(opened).toBe(0);
    expect(log.lines.filter((line) => line.startsWith('warn IPC openLogFolder refused'))).toHaveLength(2);
    expect(await ipc.invoke(channel, frameEvent(OWN_PAGE))).toEqual({ ok: true, value: null });
    expect(opened).toBe(1);
  });

  it.each([
    ['a number instead of an object', 'speakText', [42]],
    ['a missing field', 'speakText', [{}]],
    ['an unknown extra field', 'speakText', [{ text: 'hi', voiceId: 'x' }]],
    ['a payload for a verb that takes none', 'getState', [{ please: true }]],
    ['two arguments', 'speakText', [{ text: 'a' }, { text: 'b' }]],
    ['a path-like history id', 'historyDelete', [{ id: '../../etc/passwd' }]],
    ['an export format that does not exist', 'historyExport', [{ id: 'abc-123', format: 'exe' }]],
    ['a settings patch that is not an object', 'updateSettings', [{ patch: ['engine'] }]],
  ] as const)('refuses %s with invalid_payload before the service sees it', async (_name, verb, args) => {
    const ipc = new FakeIpcMain();
    const { services, calls } = recordingServices();
    registerIpc(ipc, services, { policy, log: quietLog() });
    const answer = await ipc.invoke(verbChannel(verb), frameEvent(OWN_PAGE), ...args);
    expect(answer).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(calls).toEqual([]);
  });

  it('keeps the stable code of a thrown SpeechError and hides anything else behind internal', async () => {
    const ipc = new FakeIpcMain();
    const recording = recordingServices();
    const log = quietLog();
    recording.override('voices', () => {
      throw new SpeechError('invalid_api_key', 'The key was rejected.');
    });
    recording.override('models', () => {
      throw new Error('secret detail at /home/someone/.config');
    });
    registerIpc(ipc, recording.services, { policy, log });
    expect(await ipc.invoke(verbChannel('voices'), frameEvent(OWN_PAGE))).toEqual({
      ok: false,
      code: 'invalid_api_key',
      message: 'The key was rejected.',
    });
    const hidden = (await ipc.invoke(verbChannel('models'), frameEvent(OWN_PAGE))) as Result<unknown>;
    expect(hidden).toMatchObject({ ok: false, code: 'internal' });
    expect(JSON.stringify(hidden)).not.toContain('/home/someone');
    expect(log.lines).toContain('error IPC models failed');
  });

  it('answers internal when a service returns something that is not an envelope', async () => {
    const ipc = new FakeIpcMain();
    const recording = recordingServices();
    recording.override('keyStatus', () => ({ state: 'stored' }));
    registerIpc(ipc, recording.services, { policy, log: quietLog() });
    expect(await ipc.invoke(verbChannel('keyStatus'), frameEvent(OWN_PAGE))).toMatchObject({
      ok: false,
      code: 'internal',
    });
  });
});

describe('sender policy', () => {
  it('accepts only the dev server origin when pages come from it', () => {
    const dev: SenderPolicy = {
      rendererUrl: rendererBaseUrl({ devServerUrl: 'http://localhost:5173', rendererDir: '/x' }),
    };
    expect(checkSender(frameEvent('http://localhost:5173/index.html'), dev)).toEqual({ trusted: true });
    expect(checkSender(frameEvent('http://localhost:5174/index.html'), dev).trusted).toBe(false);
    expect(checkSender(frameEvent('https://localhost:5173/index.html'), dev).trusted).toBe(false);
    expect(checkSender(frameEvent('file:///x/index.html'), dev).trusted).toBe(false);
  });

  it('keeps file pages to the renderer folder, after URL normalisation', () => {
    const base = rendererBaseUrl({ rendererDir: '/opt/My Apps/Hark/out/renderer' });
    expect(base).toBe('file:///opt/My%20Apps/Hark/out/renderer/');
    expect(isOwnPageUrl(`${base}player.html`, base)).toBe(true);
    expect(isOwnPageUrl(`${base}../secrets.html`, base)).toBe(false);
    expect(isOwnPageUrl('file://otherhost/opt/My%20Apps/Hark/out/renderer/index.html', base)).toBe(false);
    expect(isOwnPageUrl('not a url', base)).toBe(false);
    expect(isOwnPageUrl('data:text/html,<p>hi', base)).toBe(false);
  });
});

describe('forwardEvents', () => {
  class FakeWindow implements EventTargetLike {
    readonly received: [string, unknown][] = [];
    destroyed = false;
    failing = false;
    isDestroyed(): boolean {
      return this.destroyed;
    }
    send(channel: string, data: unknown): void {
      if (this.failing) throw new Error('Object has been destroyed');
      this.received.push([channel, data]);
    }
  }

  it('sends every event to live windows only, survives a failing window, and stops on unsubscribe', () => {
    const { services, emit } = recordingServices();
    const live = new FakeWindow();
    const closed = Object.assign(new FakeWindow(), { destroyed: true });
    const broken = Object.assign(new FakeWindow(), { failing: true });
    const log = quietLog();
    const stop = forwardEvents(services, () => [broken, closed, live], log);
    const state: AppState = { kind: 'speaking', source: 'typed', queued: 0 };
    emit('state', state);
    emit('historyChanged', { kind: 'cleared' });
    expect(live.received).toEqual([
      [eventChannel('state'), state],
      [eventChannel('historyChanged'), { kind: 'cleared' }],
    ]);
    expect(closed.received).toEqual([]);
    expect(log.lines.filter((line) => line.startsWith('error'))).toHaveLength(2);
    stop();
    emit('state', { kind: 'idle' });
    expect(live.received).toHaveLength(2);
    expect(EVENTS.every((event) => eventChannel(event).startsWith('hark:'))).toBe(true);
  });
});

describe('servePlayerPort', () => {
  const opened: MessagePort[] = [];
  afterEach(() => {
    opened.splice(0).forEach((port) => port.close());
  });

  /** A real (worker_threads) MessagePort dressed as Electron's MessagePortMain ({ data } events). */
  function mainPort(port: MessagePort): MessagePortMainLike & { node: MessagePort } {
    opened.push(port);
    return {
      node: port,
      postMessage: (message: unknown) => port.postMessage(message),
      on(event: 'message' | 'close', listener: (event: { data: unknown }) => void) {
        if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
        else port.on('close', () => (listener as () => void)());
        return this;
      },
      start: () => port.start(),
      close: () => port.close(),
    };
  }

  type Port = ReturnType<typeof mainPort>;

  class FakeIpcOn implements IpcMainOnLike<Port> {
    readonly listeners = new Map<string, Set<PortRequestListener<Port>>>();
    on(channel: string, listener: PortRequestListener<Port>): void {
      const set = this.listeners.get(channel) ?? new Set();
      this.listeners.set(channel, set);
      set.add(listener);
    }
    removeListener(channel: string, listener: PortRequestListener<Port>): void {
      this.listeners.get(channel)?.delete(listener);
    }
    send(channel: string, event: Parameters<PortRequestListener<Port>>[0]): void {
      for (const listener of this.listeners.get(channel) ?? []) listener(event);
    }
  }

  function pageRequest(url: string) {
    const posted: { channel: string; message: unknown; transfer: Port[] }[] = [];
    const event = {
      senderFrame: { url, parent: null },
      sender: {
        id: OWN_WINDOW,
        postMessage: (channel: string, message: unknown, transfer: Port[]) =>
          posted.push({ channel, message, transfer }),
      },
    };
    return { event, posted };
  }

  it('hands a trusted player page a port whose messages are validated on main’s side', async () => {
    const ipc = new FakeIpcOn();
    const channels: PlayerChannel[] = [];
    const log = quietLog();
    const stop = servePlayerPort(ipc, {
      policy,
      log,
      createChannel: () => {
        const { port1, port2 } = new MessageChannel();
        return { port1: mainPort(port1), port2: mainPort(port2) };
      },
      onConnect: (channel) => channels.push(channel),
    });
    const { event, posted } = pageRequest(OWN_PAGE);
    ipc.send(PLAYER_CONNECT_CHANNEL, event);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.channel).toBe(PLAYER_PORT_CHANNEL);
    const pagePort = posted[0]?.transfer[0];
    const channel = channels[0];
    if (!pagePort || !channel) throw new Error('no port handed over');

    const received: PlayerToMain[] = [];
    const twoMessages = new Promise<void>((resolve) =>
      channel.onMessage((message) => {
        received.push(message);
        if (received.length === 2) resolve();
      }),
    );
    pagePort.node.postMessage({ type: 'ready' });
    pagePort.node.postMessage({ type: 'position', streamId: 1, playedMs: -5 }); // invalid: dropped
    pagePort.node.postMessage({ type: 'ended', streamId: 1, extra: 'ignored' });
    await twoMessages;
    expect(received).toEqual([{ type: 'ready' }, { type: 'ended', streamId: 1 }]);
    expect(log.lines.some((line) => line.includes('outside the contract'))).toBe(true);

    const fromMain = new Promise<unknown>((resolve) => pagePort.node.once('message', resolve));
    channel.post({ type: 'volume', value: 0.5 });
    expect(await fromMain).toEqual({ type: 'volume', value: 0.5 });

    const closed = new Promise<void>((resolve) => channel.onClose(resolve));
    pagePort.node.close();
    await closed;
    expect(channel.connected).toBe(false);
    stop();
    expect(ipc.listeners.get(PLAYER_CONNECT_CHANNEL)?.size).toBe(0);
  });

  it('gives a foreign page no port at all', () => {
    const ipc = new FakeIpcOn();
    let created = 0;
    servePlayerPort(ipc, {
      policy,
      log: quietLog(),
      createChannel: () => {
        created += 1;
        const { port1, port2 } = new MessageChannel();
        return { port1: mainPort(port1), port2: mainPort(port2) };
      },
      onConnect: () => undefined,
    });
    const { event, posted } = pageRequest('https://evil.example/');
    ipc.send(PLAYER_CONNECT_CHANNEL, event);
    expect(posted).toEqual([]);
    expect(created).toBe(0);
  });
});
