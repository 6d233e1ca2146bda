import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WebPreferences } from 'electron';
import {
  appWindowOptions,
  CONTENT_SECURITY_POLICY,
  overlayBounds,
  overlayWindowOptions,
  playerWindowOptions,
  secureWebPreferences,
} from './window-options';

const PRELOAD = '/app/out/preload/index.js';
const WORK_AREA = { x: 0, y: 25, width: 1440, height: 875 };

function expectLockedDown(prefs: WebPreferences | undefined): void {
  expect(prefs).toMatchObject({
    preload: PRELOAD,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
  });
}

describe('window options', () => {
  it('every window is isolated, sandboxed, without Node, with web security and our preload', () => {
    expectLockedDown(secureWebPreferences(PRELOAD));
    expectLockedDown(appWindowOptions('settings', PRELOAD).webPreferences);
    expectLockedDown(appWindowOptions('history', PRELOAD).webPreferences);
    expectLockedDown(playerWindowOptions(PRELOAD).webPreferences);
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expectLockedDown(overlayWindowOptions(PRELOAD, overlayBounds(WORK_AREA), platform).webPreferences);
    }
  });

  it('dev tools are off unless asked for', () => {
    expect(secureWebPreferences(PRELOAD).devTools).toBe(false);
    expect(appWindowOptions('settings', PRELOAD, { devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('settings and history windows wait to be shown until painted', () => {
    expect(appWindowOptions('settings', PRELOAD)).toMatchObject({ title: 'Hark Settings', show: false });
    expect(appWindowOptions('history', PRELOAD)).toMatchObject({ title: 'Hark History', show: false });
  });

  it('the player is hidden, unfocusable and never throttled', () => {
    const options = playerWindowOptions(PRELOAD);
    expect(options).toMatchObject({ show: false, focusable: false, skipTaskbar: true });
    expect(options.webPreferences).toMatchObject({
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    });
  });

  it('the overlay never takes focus, floats, stays off the taskbar and is transparent', () => {
    const options = overlayWindowOptions(PRELOAD, overlayBounds(WORK_AREA), 'linux');
    expect(options).toMatchObject({
      show: false,
      focusable: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      transparent: true,
      frame: false,
      resizable: false,
    });
    expect(options.type).toBeUndefined();
    expect(overlayWindowOptions(PRELOAD, overlayBounds(WORK_AREA), 'darwin').type).toBe('panel');
    expect(overlayWindowOptions(PRELOAD, overlayBounds(WORK_AREA), 'win32').type).toBe('toolbar');
  });
});

describe('overlayBounds', () => {
  it('sits centred near the bottom of the work area', () => {
    const bounds = overlayBounds(WORK_AREA);
    expect(bounds.width).toBe(960);
    expect(bounds.x + bounds.width / 2).toBe(720);
    expect(bounds.y + bounds.height).toBeLessThan(WORK_AREA.y + WORK_AREA.height);
    expect(bounds.y).toBeGreaterThan(WORK_AREA.y + WORK_AREA.height / 2);
  });

  it('fits a small screen and grows with the font scale (never past half the screen)', () => {
    const small = overlayBounds({ x: 100, y: 0, width: 400, height: 300 });
    expect(small.x).toBeGreaterThanOrEqual(100);
    expect(small.x + small.width).toBeLessThanOrEqual(500);
    expect(overlayBounds(WORK_AREA, 2).height).toBe(240);
    expect(overlayBounds({ x: 0, y: 0, width: 800, height: 300 }, 3).height).toBe(150);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  function directives(): Map<string, string[]> {
    return new Map(
      CONTENT_SECURITY_POLICY.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values];
      }),
    );
  }

  it('allows only our own origin by default and for connections and scripts', () => {
    const csp = directives();
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('names no remote host and no unsafe script source anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|wss?:|\*/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    expect(directives().get('script-src')).not.toContain("'unsafe-inline'");
  });
});

describe('renderer/index.html', () => {
  // The meta tag is what protects a page served without main's header (the dev:web browser page).
  function metaPolicies(): string[] {
    const page = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer', 'index.html');
    const html = readFileSync(page, 'utf8');
    const metas = html.match(/<meta\b[^>]*>/gi) ?? [];
    return metas
      .filter((meta) => /http-equiv\s*=\s*"Content-Security-Policy"/i.test(meta))
      .map((meta) => /\bcontent\s*=\s*"([^"]*)"/i.exec(meta)?.[1] ?? '');
  }

  it('carries exactly CONTENT_SECURITY_POLICY, once', () => {
    expect(metaPolicies()).toEqual([CONTENT_SECURITY_POLICY]);
  });
});
