// Hark's icons, drawn from shapes: a speech bubble with a sound wave for the app, and one tray glyph
// per state. States differ in shape as well as color (outline vs filled bubble, and what is inside
// it), so they can be told apart without color vision and in one-color macOS template images.
import { Canvas, capsule, innerStroke, rgb, roundedRect, triangle, union, verticalGradient } from './raster';
import type { Color, Shape } from './raster';
import type { RgbaImage } from './png';

export const TRAY_STATES = ['idle', 'connecting', 'speaking', 'paused', 'error'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

// ---- App icon, designed on a 1024-unit square ----

const APP_UNITS = 1024;
const TEAL = rgb('#14b8a6');
const DEEP_BLUE = rgb('#1e3a8a');
const WHITE = rgb('#ffffff');

function appBubble(): Shape {
  const body = roundedRect(512, 440, 300, 210, 120);
  const tail = triangle([300, 560], [470, 560], [262, 790]);
  return union(body, tail);
}

interface Wave {
  heights: number[];
  spacing: number;
  barRadius: number;
}

// Tallest in the middle: a sound wave inside the bubble. Small icons get three heavier bars, which
// stay readable where five thin ones would blur together.
const FULL_WAVE: Wave = { heights: [90, 190, 270, 170, 100], spacing: 96, barRadius: 30 };
const SMALL_WAVE: Wave = { heights: [150, 280, 190], spacing: 150, barRadius: 48 };

function appWaveBars(wave: Wave): Shape[] {
  const middle = (wave.heights.length - 1) / 2;
  return wave.heights.map((height, i) => {
    const x = 512 + (i - middle) * wave.spacing;
    return capsule(x, 440 - height / 2, x, 440 + height / 2, wave.barRadius);
  });
}

/** The full-color application icon at `size` pixels (a rounded square with a small margin). */
export function drawAppIcon(size: number): RgbaImage {
  const tile = roundedRect(512, 512, 452, 452, 200);
  const canvas = new Canvas(size, APP_UNITS);
  canvas.fill(tile, verticalGradient(TEAL, DEEP_BLUE, 60, 964));
  canvas.fill(appBubble(), WHITE);
  const wave = size <= 32 ? SMALL_WAVE : FULL_WAVE;
  for (const bar of appWaveBars(wave)) canvas.fill(bar, verticalGradient(TEAL, DEEP_BLUE, 300, 580));
  return canvas.toImage();
}

// ---- Tray glyphs, designed on a 16-unit square (one unit = one pixel at 16 px) ----

const TRAY_UNITS = 16;
// Edges sit on whole units so that the 16 px glyph stays crisp (and the 32 px one doubly so).
const OUTLINE_WIDTH = 1;

/** Colors for panels that show icons as they are (Linux, Windows); readable on dark and light. */
export const TRAY_COLORS: Readonly<Record<TrayState, Color>> = {
  idle: rgb('#64748b'),
  connecting: rgb('#2563eb'),
  speaking: rgb('#0d9488'),
  paused: rgb('#d97706'),
  error: rgb('#dc2626'),
};

const BLACK = rgb('#000000');
const BUBBLE_MIDDLE = 6;

function trayBubble(): Shape {
  const body = roundedRect(8, BUBBLE_MIDDLE, 7, 5, 2.5);
  const tail = triangle([3, 10], [7.5, 10], [3, 15]);
  return union(body, tail);
}

/** A bar two units wide, centered on the bubble's middle line. */
function bar(x: number, height: number): Shape {
  return roundedRect(x, BUBBLE_MIDDLE, 1, height / 2, 0.6);
}

function dot(x: number, y: number): Shape {
  return capsule(x, y, x, y, 1.05);
}

interface Glyph {
  bubble: 'outline' | 'filled';
  /** Shapes drawn in the bubble's color (outline bubble) or cut out of it (filled bubble). */
  marks: Shape[];
}

function trayGlyph(state: TrayState): Glyph {
  switch (state) {
    case 'idle':
      return { bubble: 'outline', marks: [] };
    case 'connecting':
      return { bubble: 'outline', marks: [5, 8, 11].map((x) => dot(x, BUBBLE_MIDDLE)) };
    case 'speaking':
      return { bubble: 'filled', marks: [bar(4, 4), bar(8, 8), bar(12, 6)] };
    case 'paused':
      return { bubble: 'filled', marks: [bar(6, 6), bar(10, 6)] };
    case 'error':
      return { bubble: 'filled', marks: [roundedRect(8, 5, 1, 2, 0.6), dot(8, 9)] };
  }
}

/** One tray glyph at `size` pixels in `color` (black for a macOS template image). */
export function drawTrayIcon(state: TrayState, size: number, color: Color): RgbaImage {
  const canvas = new Canvas(size, TRAY_UNITS);
  const glyph = trayGlyph(state);
  if (glyph.bubble === 'outline') {
    canvas.fill(innerStroke(trayBubble(), OUTLINE_WIDTH), color);
    for (const mark of glyph.marks) canvas.fill(mark, color);
  } else {
    canvas.fill(trayBubble(), color);
    for (const mark of glyph.marks) canvas.erase(mark);
  }
  return canvas.toImage();
}

export function drawTrayTemplate(state: TrayState, size: number): RgbaImage {
  return drawTrayIcon(state, size, BLACK);
}
