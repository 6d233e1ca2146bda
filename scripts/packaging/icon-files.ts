// Every icon file the app ships, with how to render it. scripts/make-icons.ts writes them; the tests
// render them again and compare, so the committed images never drift from their drawing code.
import { drawAppIcon, drawTrayIcon, drawTrayTemplate, TRAY_COLORS, TRAY_STATES } from './icon-design';
import { encodeIcns, encodeIco } from './icon-containers';
import { encodePng } from './png';
import type { RgbaImage } from './png';

export interface IconFile {
  /** Relative to the project root, with forward slashes. */
  path: string;
  render: () => Buffer;
}

/** Sizes electron-builder installs into the Linux hicolor theme (file names must carry the size). */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
export const WINDOWS_ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/** Tray glyph sizes in pixels at 1x; each also comes at @2x. */
export const TRAY_BASE_SIZES = [16, 32] as const;

function memoizedAppIcon(): (size: number) => RgbaImage {
  const rendered = new Map<number, RgbaImage>();
  return (size) => {
    let image = rendered.get(size);
    if (!image) {
      image = drawAppIcon(size);
      rendered.set(size, image);
    }
    return image;
  };
}

/** `idle.png` / `idle@2x.png` for 16 px, `idle-32.png` / `idle-32@2x.png` for 32 px. */
export function trayFileName(state: string, baseSize: number, scale: 1 | 2, template = false): string {
  const sizeSuffix = baseSize === 16 ? '' : `-${baseSize}`;
  return `resources/tray/${state}${sizeSuffix}${template ? 'Template' : ''}${scale === 2 ? '@2x' : ''}.png`;
}

function trayIconFiles(): IconFile[] {
  const files: IconFile[] = [];
  for (const state of TRAY_STATES) {
    for (const baseSize of TRAY_BASE_SIZES) {
      for (const scale of [1, 2] as const) {
        const pixels = baseSize * scale;
        files.push({
          path: trayFileName(state, baseSize, scale),
          render: () => encodePng(drawTrayIcon(state, pixels, TRAY_COLORS[state])),
        });
      }
    }
    // macOS menu bar: one-color template images at 16 pt, which macOS tints for light and dark bars.
    for (const scale of [1, 2] as const) {
      files.push({
        path: trayFileName(state, 16, scale, true),
        render: () => encodePng(drawTrayTemplate(state, 16 * scale)),
      });
    }
  }
  return files;
}

export function plannedIconFiles(): IconFile[] {
  const appIcon = memoizedAppIcon();
  return [
    { path: 'build/icon.png', render: () => encodePng(appIcon(512)) },
    ...LINUX_ICON_SIZES.map((size) => ({
      path: `build/icons/${size}x${size}.png`,
      render: () => encodePng(appIcon(size)),
    })),
    { path: 'build/icon.ico', render: () => encodeIco(WINDOWS_ICO_SIZES.map((size) => appIcon(size))) },
    { path: 'build/icon.icns', render: () => encodeIcns(appIcon) },
    // For windows and notifications at run time (the build/ folder is not shipped).
    { path: 'resources/icon.png', render: () => encodePng(appIcon(256)) },
    ...trayIconFiles(),
  ];
}
