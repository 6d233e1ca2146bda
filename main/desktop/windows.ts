// Hark's windows: Settings and History (one each, focused when asked again), the hidden player, and
// the caption overlay. Every window's contents are hardened the same way: no navigation, no new
// windows, external links only to an allowlist and then in the user's browser, permissions denied.
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import {
  appWindowOptions,
  CONTENT_SECURITY_POLICY,
  OVERLAY_ALWAYS_ON_TOP_LEVEL,
  overlayBounds,
  overlayWindowOptions,
  playerWindowOptions,
} from './window-options';
import type { AppWindowKind, PageView } from './window-options';

/** Links a page may open (in the user's browser): https only, these origins and path prefixes. */
export const DEFAULT_EXTERNAL_ALLOWLIST: readonly string[] = [
  'https://elevenlabs.io/',
  'https://help.elevenlabs.io/',
];

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** True for an https URL without credentials under one of the allowlisted origin + path prefixes. */
export function isAllowedExternalUrl(url: string, allowlist: readonly string[]): boolean {
  const target = parseUrl(url);
  if (!target || target.protocol !== 'https:' || target.username || target.password) return false;
  return allowlist.some((entry) => {
    const allowed = parseUrl(entry);
    return (
      allowed !== undefined &&
      target.origin === allowed.origin &&
      target.pathname.startsWith(allowed.pathname)
    );
  });
}

export interface NavigationEventLike {
  readonly url: string;
  preventDefault(): void;
}

/** The slice of WebContents the hardening uses. */
export interface WebContentsLike {
  on(event: 'will-navigate', listener: (details: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface ExternalLinks {
  allowlist: readonly string[];
  /** shell.openExternal */
  openExternal: (url: string) => Promise<void>;
  onRefused?: (url: string) => void;
}

/**
 * Our pages are single-page apps: any navigation away, any window.open, any <webview> is refused.
 * A link to an allowlisted https address opens in the user's browser instead.
 */
export function hardenWebContents(contents: WebContentsLike, links: ExternalLinks): void {
  const openOutside = (url: string): void => {
    if (isAllowedExternalUrl(url, links.allowlist)) {
      links.openExternal(url).catch(() => links.onRefused?.(url));
    } else {
      links.onRefused?.(url);
    }
  };
  contents.on('will-navigate', (details) => {
    details.preventDefault();
    openOutside(details.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/** Permissions a page may get; everything else (camera, geolocation, notifications, ...) is denied. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string | string[]> },
        callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
      ) => void,
    ): void;
  };
}

/**
 * Denies permissions outside ALLOWED_PERMISSIONS and sends the CSP as a header with every response
 * (the dev server's pages; built pages carry the same policy in their <meta> tag).
 */
export function secureSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/** The address of a view: `<renderer>/index.html?view=<view>` (the page picks its component from it). */
export function pageUrl(rendererBaseUrl: string, view: PageView): string {
  const url = new URL('index.html', rendererBaseUrl);
  url.searchParams.set('view', view);
  return url.href;
}

/** The slice of BrowserWindow the manager uses. */
export interface BrowserWindowLike {
  readonly webContents: WebContentsLike & { readonly id: number };
  loadURL(url: string): Promise<void>;
  show(): void;
  showInactive(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  isVisible(): boolean;
  destroy(): void;
  setBounds(bounds: Partial<Rectangle>): void;
  setAlwaysOnTop(flag: boolean, level?: 'screen-saver'): void;
  setIgnoreMouseEvents(ignore: boolean, options?: { forward?: boolean }): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export interface WindowManagerDeps<W extends BrowserWindowLike> {
  /** new BrowserWindow(options) */
  createWindow: (options: BrowserWindowConstructorOptions) => W;
  preload: string;
  /** rendererBaseUrl(...) from ipc.ts */
  rendererUrl: string;
  links: ExternalLinks;
  /** screen.getPrimaryDisplay().workArea */
  workArea: () => Rectangle;
  platform?: NodeJS.Platform;
  devTools?: boolean;
  onLoadFailed?: (view: PageView, error: unknown) => void;
}

/** Generic in the window type, so the app gets its real BrowserWindows back from windows(). */
export class WindowManager<W extends BrowserWindowLike = BrowserWindowLike> {
  private readonly appWindows = new Map<AppWindowKind, W>();
  private player: W | undefined;
  private overlay: W | undefined;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly deps: WindowManagerDeps<W>) {
    this.platform = deps.platform ?? process.platform;
  }

  /** Opens Settings or History, or brings the open one to the front. */
  show(kind: AppWindowKind): void {
    const existing = this.appWindows.get(kind);
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const window = this.open(
      kind,
      appWindowOptions(kind, this.deps.preload, { devTools: this.deps.devTools ?? false }),
    );
    this.appWindows.set(kind, window);
    window.on('closed', () => this.appWindows.delete(kind));
    window.once('ready-to-show', () => window.show());
  }

  /** The hidden player window, created on first use and again if it was closed or crashed away. */
  ensurePlayer(): W {
    if (this.player && !this.player.isDestroyed()) return this.player;
    const window = this.open(
      'player',
      playerWindowOptions(this.deps.preload, { devTools: this.deps.devTools ?? false }),
    );
    this.player = window;
    window.on('closed', () => {
      if (this.player === window) this.player = undefined;
    });
    return window;
  }

  /** Shows the caption overlay without taking focus; clicks pass through to the app below. */
  showOverlay(fontScale = 1): void {
    const bounds = overlayBounds(this.deps.workArea(), fontScale);
    let window = this.overlay;
    if (!window || window.isDestroyed()) {
      window = this.open(
        'overlay',
        overlayWindowOptions(this.deps.preload, bounds, this.platform, {
          devTools: this.deps.devTools ?? false,
        }),
      );
      const created = window;
      this.overlay = created;
      created.on('closed', () => {
        if (this.overlay === created) this.overlay = undefined;
      });
      created.setAlwaysOnTop(true, OVERLAY_ALWAYS_ON_TOP_LEVEL);
      created.setIgnoreMouseEvents(true, { forward: true });
    } else {
      window.setBounds(bounds);
    }
    if (!window.isVisible()) window.showInactive();
  }

  hideOverlay(): void {
    if (this.overlay && !this.overlay.isDestroyed()) this.overlay.hide();
  }

  /** Every live window (for event forwarding and the IPC sender allowlist). */
  windows(): W[] {
    const all = [...this.appWindows.values(), this.player, this.overlay];
    return all.filter((window): window is W => window !== undefined && !window.isDestroyed());
  }

  webContentsIds(): number[] {
    return this.windows().map((window) => window.webContents.id);
  }

  destroyAll(): void {
    for (const window of this.windows()) window.destroy();
    this.appWindows.clear();
    this.player = undefined;
    this.overlay = undefined;
  }

  private open(view: PageView, options: BrowserWindowConstructorOptions): W {
    const window = this.deps.createWindow(options);
    hardenWebContents(window.webContents, this.deps.links);
    window
      .loadURL(pageUrl(this.deps.rendererUrl, view))
      .catch((error: unknown) => this.deps.onLoadFailed?.(view, error));
    return window;
  }
}
