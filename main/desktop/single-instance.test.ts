import { describe, expect, it } from 'vitest';
import {
  actionForCommand,
  claimSingleInstance,
  commandFromAdditionalData,
  parseInstanceCommand,
} from './single-instance';
import type { InstanceRequest, SingleInstanceAppLike } from './single-instance';

describe('parseInstanceCommand', () => {
  it('finds the command in a packaged launch and in a development launch', () => {
    expect(parseInstanceCommand(['/opt/Hark/hark', '--read-selection'])).toBe('read-selection');
    expect(parseInstanceCommand(['/x/electron', '.', '--read-clipboard'])).toBe('read-clipboard');
    expect(parseInstanceCommand(['/opt/Hark/hark', '--stop'])).toBe('stop');
    expect(parseInstanceCommand(['hark', '--toggle-pause'])).toBe('toggle-pause');
  });

  it('ignores the switches Electron and Chromium add, wherever they are', () => {
    const argv = [
      'C:\\Program Files\\Hark\\Hark.exe',
      '--allow-file-access-from-files',
      '--original-process-start-time=13370000000000000',
      '--toggle-pause',
      '--enable-features=GlobalShortcutsPortal',
    ];
    expect(parseInstanceCommand(argv)).toBe('toggle-pause');
    expect(parseInstanceCommand(['--TOGGLE-PAUSE'])).toBe('toggle-pause');
  });

  it('has no command for a plain launch or look-alike arguments', () => {
    expect(parseInstanceCommand(['/opt/Hark/hark'])).toBeUndefined();
    expect(
      parseInstanceCommand(['hark', 'read-selection', '-stop', '--stop=1', '--stopping']),
    ).toBeUndefined();
  });

  it('with several commands, the most cautious wins', () => {
    expect(parseInstanceCommand(['hark', '--read-selection', '--stop'])).toBe('stop');
    expect(parseInstanceCommand(['hark', '--read-selection', '--toggle-pause'])).toBe('toggle-pause');
    expect(parseInstanceCommand(['hark', '--read-selection', '--read-clipboard'])).toBe('read-clipboard');
  });
});

describe('actionForCommand', () => {
  it('maps each command to the hotkey action of the same meaning', () => {
    expect(actionForCommand('read-selection')).toBe('readSelection');
    expect(actionForCommand('read-clipboard')).toBe('readClipboard');
    expect(actionForCommand('toggle-pause')).toBe('pauseResume');
    expect(actionForCommand('stop')).toBe('stop');
    expect(actionForCommand('previous-sentence')).toBe('previousSentence');
    expect(actionForCommand('next-sentence')).toBe('nextSentence');
    expect(actionForCommand('speed-up')).toBe('speedUp');
    expect(actionForCommand('speed-down')).toBe('speedDown');
  });

  it('finds the steering commands, and stop still beats them', () => {
    expect(parseInstanceCommand(['/usr/bin/hark', '--next-sentence'])).toBe('next-sentence');
    expect(parseInstanceCommand(['/usr/bin/hark', '--Previous-Sentence'])).toBe('previous-sentence');
    expect(parseInstanceCommand(['/usr/bin/hark', '--next-sentence', '--stop'])).toBe('stop');
  });
});

describe('commandFromAdditionalData', () => {
  it('accepts only a known command', () => {
    expect(commandFromAdditionalData({ command: 'stop' })).toBe('stop');
    for (const data of [undefined, null, 'stop', {}, { command: 'rm -rf' }, { command: 1 }]) {
      expect(commandFromAdditionalData(data)).toBeUndefined();
    }
  });
});

type SecondInstanceListener = (event: unknown, argv: string[], cwd: string, additionalData: unknown) => void;

/**
 * Two launches sharing one lock, as Electron arranges it between processes: the first to ask owns
 * it, a later one gets false and its argv + additionalData arrive in the owner's 'second-instance'.
 */
class LockRegistry {
  private owner: FakeApp | undefined;
  launch(): FakeApp {
    return new FakeApp(this);
  }
  request(app: FakeApp, argv: string[], additionalData: unknown): boolean {
    if (!this.owner) {
      this.owner = app;
      return true;
    }
    for (const listener of this.owner.listeners) listener({}, argv, '/home/user', additionalData);
    return false;
  }
}

class FakeApp implements SingleInstanceAppLike {
  readonly listeners: SecondInstanceListener[] = [];
  argv: string[] = [];
  constructor(private readonly registry: LockRegistry) {}
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    return this.registry.request(this, this.argv, additionalData);
  }
  on(_event: 'second-instance', listener: SecondInstanceListener): this {
    this.listeners.push(listener);
    return this;
  }
}

function start(registry: LockRegistry, argv: string[]) {
  const app = registry.launch();
  app.argv = argv;
  return claimSingleInstance(app, argv);
}

describe('claimSingleInstance', () => {
  it('the first launch is primary; later launches hand over their command and are not', () => {
    const registry = new LockRegistry();
    const first = start(registry, ['/opt/Hark/hark']);
    const received: InstanceRequest[] = [];
    first.onRequest((request) => received.push(request));
    expect(first.primary).toBe(true);

    const second = start(registry, ['/opt/Hark/hark', '--read-selection', '--original-process-start-time=1']);
    expect(second.primary).toBe(false);
    start(registry, ['/opt/Hark/hark', '--stop']);
    start(registry, ['/opt/Hark/hark']);
    expect(received).toEqual([
      { kind: 'command', command: 'read-selection' },
      { kind: 'command', command: 'stop' },
      { kind: 'activate' },
    ]);
  });

  it('the first launch honours the command it was started with, once a handler is there', () => {
    const registry = new LockRegistry();
    const first = start(registry, ['/opt/Hark/hark', '--read-clipboard']);
    // A second launch while the app is still starting: held too, in order.
    start(registry, ['/opt/Hark/hark', '--toggle-pause']);
    const received: InstanceRequest[] = [];
    first.onRequest((request) => received.push(request));
    expect(received).toEqual([
      { kind: 'command', command: 'read-clipboard' },
      { kind: 'command', command: 'toggle-pause' },
    ]);
  });

  it('prefers the exact additionalData over a reordered argv', () => {
    const registry = new LockRegistry();
    const first = start(registry, ['hark']);
    const received: InstanceRequest[] = [];
    first.onRequest((request) => received.push(request));
    const owner = (registry as unknown as { owner: FakeApp }).owner;
    owner.listeners[0]?.({}, ['hark', '--read-selection'], '/', { command: 'stop' });
    owner.listeners[0]?.({}, ['hark', '--read-selection'], '/', { command: 'bogus' });
    expect(received).toEqual([
      { kind: 'command', command: 'stop' },
      { kind: 'command', command: 'read-selection' },
    ]);
  });
});
