// Option builders for Hark's windows, pure so they are tested without Electron. Every window gets
// the same locked-down webPreferences (context isolation, sandbox, no Node, web security on, our
// preload); what differs is how each window behaves on screen.
import type { BrowserWindowConstructorOptions, Rectangle, WebPreferences } from 'electron';

/**
 * The pages' Content Security Policy: everything from our own origin, nothing remote. Renderers
 * never talk to the network (main does, and previews play through main), so connect-src is 'self'
 * only ('self' also covers the dev server's own WebSocket). Inline styles stay allowed because
 * Svelte sets style attributes; inline scripts do not.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export type AppWindowKind = 'settings' | 'history';
export type PageView = AppWindowKind | 'player' | 'overlay';

/** Always-on-top level of the caption overlay: above full-screen windows on macOS and Windows. */
export const OVERLAY_ALWAYS_ON_TOP_LEVEL = 'screen-saver';

export function secureWebPreferences(preload: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools ?? false,
  };
}

const APP_WINDOWS: Record<AppWindowKind, { title: string; width: number; height: number }> = {
  settings: { title: 'Hark Settings', width: 760, height: 680 },
  history: { title: 'Hark History', width: 900, height: 680 },
};

/** Settings and History: ordinary windows, shown once their page has painted (no white flash). */
export function appWindowOptions(
  kind: AppWindowKind,
  preload: string,
  options: { devTools?: boolean } = {},
): BrowserWindowConstructorOptions {
  const { title, width, height } = APP_WINDOWS[kind];
  return {
    title,
    width,
    height,
    minWidth: 480,
    minHeight: 400,
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preload, options),
  };
}

/**
 * The hidden window whose page plays the audio (Web Audio). Chromium throttles timers and may
 * suspend audio in hidden pages unless backgroundThrottling is off; it is never shown or focused.
 */
export function playerWindowOptions(
  preload: string,
  options: { devTools?: boolean } = {},
): BrowserWindowConstructorOptions {
  return {
    title: 'Hark player',
    width: 320,
    height: 200,
    show: false,
    focusable: false,
    skipTaskbar: true,
    paintWhenInitiallyHidden: false,
    webPreferences: {
      ...secureWebPreferences(preload, options),
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  };
}

export const OVERLAY_BASE_HEIGHT = 120;
const OVERLAY_MAX_WIDTH = 960;
const OVERLAY_MARGIN = 48;

/** A caption strip centred near the bottom of the work area, taller for larger text. */
export function overlayBounds(workArea: Rectangle, fontScale = 1): Rectangle {
  const width = Math.max(200, Math.min(OVERLAY_MAX_WIDTH, workArea.width - 2 * OVERLAY_MARGIN));
  const height = Math.round(Math.min(workArea.height / 2, OVERLAY_BASE_HEIGHT * Math.max(0.5, fontScale)));
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: Math.round(workArea.y + workArea.height - height - OVERLAY_MARGIN),
    width,
    height,
  };
}

/**
 * The caption overlay: never takes focus (the user's app keeps its focus and its selection), floats
 * above other windows, stays out of the taskbar and lets clicks through (see windows.ts, which shows
 * it with showInactive() and setIgnoreMouseEvents(true)). macOS makes it a non-activating panel;
 * Windows a tool window, which also keeps it out of Alt+Tab.
 */
export function overlayWindowOptions(
  preload: string,
  bounds: Rectangle,
  platform: NodeJS.Platform,
  options: { devTools?: boolean } = {},
): BrowserWindowConstructorOptions {
  const type = platform === 'darwin' ? { type: 'panel' } : platform === 'win32' ? { type: 'toolbar' } : {};
  return {
    ...bounds,
    title: 'Hark captions',
    show: false,
    frame: false,
    transparent: true,
    backgroundColor: '#00000000',
    hasShadow: false,
    focusable: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    ...type,
    webPreferences: { ...secureWebPreferences(preload, options), backgroundThrottling: false },
  };
}
