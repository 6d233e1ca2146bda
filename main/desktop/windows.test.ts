import { describe, expect, it } from 'vitest';
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { CONTENT_SECURITY_POLICY } from './window-options';
import {
  ALLOWED_PERMISSIONS,
  DEFAULT_EXTERNAL_ALLOWLIST,
  hardenWebContents,
  isAllowedExternalUrl,
  pageUrl,
  secureSession,
  WindowManager,
} from './windows';
import type { BrowserWindowLike, NavigationEventLike, SessionLike, WebContentsLike } from './windows';

/** Holds the listeners a page's WebContents would call, so the test can play the page. */
class PageContents implements WebContentsLike {
  static nextId = 1;
  readonly id = PageContents.nextId++;
  navigateListeners: ((details: NavigationEventLike) => void)[] = [];
  /** Called with a URL-less event, as a <webview> attach has no URL to report here. */
  webviewListeners: ((details: NavigationEventLike) => void)[] = [];
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;

  on(event: 'will-navigate', listener: (details: NavigationEventLike) => void): this;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): this;
  on(event: string, listener: (details: NavigationEventLike) => void): this {
    if (event === 'will-navigate') this.navigateListeners.push(listener);
    else this.webviewListeners.push(listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  /** A link click or location change: true when it was allowed to go ahead. */
  navigate(url: string): boolean {
    let prevented = false;
    for (const listener of this.navigateListeners)
      listener({ url, preventDefault: () => (prevented = true) });
    return !prevented;
  }
  windowOpen(url: string): string {
    return this.openHandler?.({ url }).action ?? 'allow';
  }
  attachWebview(): boolean {
    let prevented = false;
    for (const listener of this.webviewListeners)
      listener({ url: '', preventDefault: () => (prevented = true) });
    return !prevented;
  }
}

function externalLinks() {
  const opened: string[] = [];
  const refused: string[] = [];
  return {
    opened,
    refused,
    links: {
      allowlist: DEFAULT_EXTERNAL_ALLOWLIST,
      openExternal: (url: string) => {
        opened.push(url);
        return Promise.resolve();
      },
      onRefused: (url: string) => refused.push(url),
    },
  };
}

describe('isAllowedExternalUrl', () => {
  it('allows https links under an allowlisted origin and path only', () => {
    const allow = ['https://elevenlabs.io/', 'https://example.org/docs/'];
    expect(isAllowedExternalUrl('https://elevenlabs.io/app/settings/api-keys', allow)).toBe(true);
    expect(isAllowedExternalUrl('https://example.org/docs/page', allow)).toBe(true);
    expect(isAllowedExternalUrl('https://example.org/other', allow)).toBe(false);
    expect(isAllowedExternalUrl('http://elevenlabs.io/', allow)).toBe(false);
    expect(isAllowedExternalUrl('https://elevenlabs.io.evil.example/', allow)).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@elevenlabs.io/', allow)).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd', allow)).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)', allow)).toBe(false);
    expect(isAllowedExternalUrl('not a url', allow)).toBe(false);
  });
});

describe('hardenWebContents', () => {
  it('refuses every navigation and opens allowlisted links in the browser instead', async () => {
    const contents = new PageContents();
    const { links, opened, refused } = externalLinks();
    hardenWebContents(contents, links);

    expect(contents.navigate('https://elevenlabs.io/pricing')).toBe(false);
    expect(contents.navigate('https://attacker.example/')).toBe(false);
    expect(contents.navigate('file:///home/user/.ssh/id_rsa')).toBe(false);
    await Promise.resolve();
    expect(opened).toEqual(['https://elevenlabs.io/pricing']);
    expect(refused).toEqual(['https://attacker.example/', 'file:///home/user/.ssh/id_rsa']);
  });

  it('denies window.open, opening only allowlisted links outside', () => {
    const contents = new PageContents();
    const { links, opened } = externalLinks();
    hardenWebContents(contents, links);
    expect(contents.windowOpen('https://help.elevenlabs.io/hc')).toBe('deny');
    expect(contents.windowOpen('https://attacker.example/')).toBe('deny');
    expect(opened).toEqual(['https://help.elevenlabs.io/hc']);
  });

  it('refuses <webview> tags', () => {
    const contents = new PageContents();
    hardenWebContents(contents, externalLinks().links);
    expect(contents.attachWebview()).toBe(false);
  });
});

describe('secureSession', () => {
  function session() {
    const state: {
      request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
      check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
      headers?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
    } = {};
    const fake: SessionLike = {
      setPermissionRequestHandler: (handler) => (state.request = handler),
      setPermissionCheckHandler: (handler) => (state.check = handler),
      webRequest: { onHeadersReceived: (listener) => (state.headers = listener) },
    };
    secureSession(fake);
    return state;
  }

  it('grants only the allowlisted permissions', () => {
    const state = session();
    const answers: Record<string, boolean> = {};
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-sanitized-write',
    ]) {
      state.request?.(null, permission, (granted) => (answers[permission] = granted));
    }
    expect(answers).toEqual({
      media: false,
      geolocation: false,
      notifications: false,
      openExternal: false,
      'clipboard-sanitized-write': true,
    });
    expect(state.check?.(null, 'media')).toBe(false);
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
  });

  it('adds the CSP header to every response, keeping the others', () => {
    const state = session();
    let response: { responseHeaders?: Record<string, string | string[]> } | undefined;
    state.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (response = r));
    expect(response?.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });
});

describe('pageUrl', () => {
  it('names the view in the query, for the dev server and for the built folder', () => {
    expect(pageUrl('http://localhost:5173/', 'settings')).toBe(
      'http://localhost:5173/index.html?view=settings',
    );
    expect(pageUrl('file:///opt/Hark/resources/app.asar/out/renderer/', 'player')).toBe(
      'file:///opt/Hark/resources/app.asar/out/renderer/index.html?view=player',
    );
  });
});

/** A BrowserWindow stand-in that records what was done to it. */
class RecordedWindow implements BrowserWindowLike {
  readonly webContents = new PageContents();
  readonly calls: string[] = [];
  loadedUrl = '';
  visible = false;
  minimized = false;
  destroyed = false;
  bounds: Partial<Rectangle> = {};
  private readonly closedListeners: (() => void)[] = [];
  private readyListener: (() => void) | undefined;

  constructor(readonly options: BrowserWindowConstructorOptions) {}

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.calls.push('show');
    this.visible = true;
  }
  showInactive(): void {
    this.calls.push('showInactive');
    this.visible = true;
  }
  hide(): void {
    this.calls.push('hide');
    this.visible = false;
  }
  focus(): void {
    this.calls.push('focus');
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  destroy(): void {
    this.destroyed = true;
    this.closedListeners.forEach((listener) => listener());
  }
  setBounds(bounds: Partial<Rectangle>): void {
    this.bounds = bounds;
  }
  setAlwaysOnTop(flag: boolean, level?: string): void {
    this.calls.push(`setAlwaysOnTop(${flag},${level})`);
  }
  setIgnoreMouseEvents(ignore: boolean, options?: { forward?: boolean }): void {
    this.calls.push(`setIgnoreMouseEvents(${ignore},${options?.forward})`);
  }
  once(_event: 'ready-to-show', listener: () => void): this {
    this.readyListener = listener;
    return this;
  }
  on(_event: 'closed', listener: () => void): this {
    this.closedListeners.push(listener);
    return this;
  }
  paint(): void {
    this.readyListener?.();
  }
}

function manager() {
  const created: RecordedWindow[] = [];
  const windows = new WindowManager({
    createWindow: (options) => {
      const window = new RecordedWindow(options);
      created.push(window);
      return window;
    },
    preload: '/app/out/preload/index.js',
    rendererUrl: 'file:///app/out/renderer/',
    links: externalLinks().links,
    workArea: () => ({ x: 0, y: 0, width: 1920, height: 1080 }),
    platform: 'linux',
  });
  return { windows, created };
}

describe('WindowManager', () => {
  it('opens one Settings window, shows it once painted, and brings it back when asked again', () => {
    const { windows, created } = manager();
    windows.show('settings');
    const settings = created[0];
    expect(settings?.loadedUrl).toBe('file:///app/out/renderer/index.html?view=settings');
    expect(settings?.visible).toBe(false);
    settings?.paint();
    expect(settings?.visible).toBe(true);

    if (settings) settings.minimized = true;
    windows.show('settings');
    expect(created).toHaveLength(1);
    expect(settings?.calls.slice(-3)).toEqual(['restore', 'show', 'focus']);

    settings?.destroy();
    windows.show('settings');
    expect(created).toHaveLength(2);
  });

  it('every window it opens is hardened', () => {
    const { windows, created } = manager();
    windows.show('history');
    windows.ensurePlayer();
    windows.showOverlay();
    expect(created).toHaveLength(3);
    for (const window of created) {
      expect(window.webContents.navigate('https://attacker.example/')).toBe(false);
      expect(window.webContents.windowOpen('https://attacker.example/')).toBe('deny');
      expect(window.options.webPreferences?.sandbox).toBe(true);
    }
  });

  it('keeps one hidden player and makes a new one if it went away', () => {
    const { windows, created } = manager();
    const player = windows.ensurePlayer();
    expect(windows.ensurePlayer()).toBe(player);
    expect(created[0]?.loadedUrl).toContain('view=player');
    expect(created[0]?.calls).toEqual([]);
    player.destroy();
    expect(windows.ensurePlayer()).not.toBe(player);
  });

  it('shows the overlay inactive, always on top at screen-saver level, clicks passing through', () => {
    const { windows, created } = manager();
    windows.showOverlay();
    const overlay = created[0];
    expect(overlay?.calls).toEqual([
      'setAlwaysOnTop(true,screen-saver)',
      'setIgnoreMouseEvents(true,true)',
      'showInactive',
    ]);
    expect(overlay?.calls).not.toContain('show');
    expect(overlay?.calls).not.toContain('focus');

    windows.showOverlay(2);
    expect(created).toHaveLength(1);
    expect(overlay?.bounds.height).toBe(240);
    windows.hideOverlay();
    expect(overlay?.visible).toBe(false);
    windows.showOverlay();
    expect(overlay?.calls.at(-1)).toBe('showInactive');
  });

  it('lists the live windows for IPC and destroys them all on quit', () => {
    const { windows, created } = manager();
    windows.show('settings');
    windows.ensurePlayer();
    expect(windows.webContentsIds()).toEqual(created.map((window) => window.webContents.id));
    created[0]?.destroy();
    expect(windows.webContentsIds()).toEqual([created[1]?.webContents.id]);
    windows.destroyAll();
    expect(windows.windows()).toEqual([]);
    expect(created.every((window) => window.destroyed)).toBe(true);
  });
});
