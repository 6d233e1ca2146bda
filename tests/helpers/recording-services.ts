// A stand-in for main/app/services.ts in transport tests (IPC adapter, bridge): answers every verb of
// the contract, remembers what reached it, and emits events on demand. Individual verbs can be
// replaced per test (slow, throwing, misbehaving).
import { VERBS, success } from '../../shared/contract';
import type { EventMap, EventName, HarkServices, Result, Unsubscribe, Verb } from '../../shared/contract';

export interface RecordingServices {
  services: HarkServices;
  calls: { verb: Verb; payload: unknown }[];
  emit<E extends EventName>(event: E, data: EventMap[E]): void;
  /** How many listeners are subscribed right now (all events). */
  listenerCount(): number;
  /** Replaces one verb's handler. */
  override(verb: Verb, handler: (payload: unknown) => unknown): void;
}

function defaultAnswer(verb: Verb): Result<unknown> {
  switch (verb) {
    case 'getState':
      return success({ kind: 'idle' });
    case 'speakText':
    case 'readSelection':
    case 'readClipboard':
      return success('started');
    case 'keyStatus':
      return success({ state: 'absent' });
    case 'hotkeyStatus':
      return success([]);
    default:
      return success(null);
  }
}

export function recordingServices(): RecordingServices {
  const calls: { verb: Verb; payload: unknown }[] = [];
  const listeners = new Map<EventName, Set<(data: unknown) => void>>();
  const handlers: Record<string, unknown> = {};
  for (const verb of VERBS) {
    handlers[verb] = (payload: unknown) => {
      calls.push({ verb, payload });
      return defaultAnswer(verb);
    };
  }
  const services = {
    ...handlers,
    subscribe(event: EventName, listener: (data: unknown) => void): Unsubscribe {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  } as unknown as HarkServices;
  return {
    services,
    calls,
    emit(event, data) {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(data);
    },
    listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
    override(verb, handler) {
      (services as unknown as Record<string, unknown>)[verb] = (payload: unknown) => {
        calls.push({ verb, payload });
        return handler(payload);
      };
    },
  };
}
