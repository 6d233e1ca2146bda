// A tiny vector rasteriser for icons: shapes are signed distance functions (negative inside), so
// every size, from a 16 px tray glyph to a 1024 px app icon, is drawn from one description with
// smooth edges and no image library.
import type { RgbaImage } from './png';

/** Signed distance from a point to a shape's edge, negative inside; both in the same units. */
export type Shape = (x: number, y: number) => number;

export interface Color {
  /** 0-255 */
  r: number;
  g: number;
  b: number;
  /** 0-1 */
  a: number;
}

/** A color per point: a flat color or a gradient. */
export type Paint = Color | ((x: number, y: number) => Color);

export function rgb(hex: string, alpha = 1): Color {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return { r: (value >> 16) & 0xff, g: (value >> 8) & 0xff, b: value & 0xff, a: alpha };
}

export function verticalGradient(top: Color, bottom: Color, from: number, to: number): Paint {
  return (_x, y) => {
    const t = Math.min(Math.max((y - from) / (to - from), 0), 1);
    const mix = (a: number, b: number): number => a + (b - a) * t;
    return {
      r: mix(top.r, bottom.r),
      g: mix(top.g, bottom.g),
      b: mix(top.b, bottom.b),
      a: mix(top.a, bottom.a),
    };
  };
}

export function roundedRect(
  cx: number,
  cy: number,
  halfWidth: number,
  halfHeight: number,
  radius: number,
): Shape {
  return (x, y) => {
    const qx = Math.abs(x - cx) - halfWidth + radius;
    const qy = Math.abs(y - cy) - halfHeight + radius;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
    return outside + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

/** A line segment with round ends (a dot when both ends are the same point). */
export function capsule(ax: number, ay: number, bx: number, by: number, radius: number): Shape {
  return (x, y) => {
    const px = x - ax;
    const py = y - ay;
    const dx = bx - ax;
    const dy = by - ay;
    const lengthSquared = dx * dx + dy * dy;
    const t = lengthSquared === 0 ? 0 : Math.min(Math.max((px * dx + py * dy) / lengthSquared, 0), 1);
    return Math.hypot(px - dx * t, py - dy * t) - radius;
  };
}

type Point = readonly [number, number];

/** Exact distance to a triangle: the nearest edge, signed by which side of all three edges we are on. */
export function triangle(p0: Point, p1: Point, p2: Point): Shape {
  const corners = [p0, p1, p2] as const;
  const orientation = Math.sign((p1[0] - p0[0]) * (p2[1] - p0[1]) - (p1[1] - p0[1]) * (p2[0] - p0[0]));
  return (x, y) => {
    let nearest = Infinity;
    let inside = true;
    for (let i = 0; i < 3; i++) {
      const [ax, ay] = corners[i] as Point;
      const [bx, by] = corners[(i + 1) % 3] as Point;
      nearest = Math.min(nearest, capsule(ax, ay, bx, by, 0)(x, y));
      const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
      if (Math.sign(cross) === -orientation) inside = false;
    }
    return inside ? -nearest : nearest;
  };
}

export function union(...shapes: Shape[]): Shape {
  return (x, y) => Math.min(...shapes.map((shape) => shape(x, y)));
}

/** The band of `width` just inside a shape's edge. */
export function innerStroke(shape: Shape, width: number): Shape {
  return (x, y) => {
    const d = shape(x, y);
    return Math.max(d, -(d + width));
  };
}

export function scaled(shape: Shape, factor: number): Shape {
  return (x, y) => shape(x / factor, y / factor) * factor;
}

/**
 * A square canvas in "design units": `units` across, drawn at `size` pixels. Pixels hold
 * premultiplied color so that shapes compose with source-over and erase cleanly.
 */
export class Canvas {
  private readonly premultiplied: Float32Array;
  private readonly unitsPerPixel: number;

  constructor(
    readonly size: number,
    units: number,
  ) {
    this.premultiplied = new Float32Array(size * size * 4);
    this.unitsPerPixel = units / size;
  }

  /** How much of the pixel whose top-left corner is (px, py) the shape covers, 0-1. */
  private coverage(shape: Shape, px: number, py: number): number {
    const distanceInPixels =
      shape((px + 0.5) * this.unitsPerPixel, (py + 0.5) * this.unitsPerPixel) / this.unitsPerPixel;
    return Math.min(Math.max(0.5 - distanceInPixels, 0), 1);
  }

  fill(shape: Shape, paint: Paint): this {
    this.forEachCoveredPixel(shape, (index, cover, x, y) => {
      const color = typeof paint === 'function' ? paint(x, y) : paint;
      const alpha = color.a * cover;
      const keep = 1 - alpha;
      const p = this.premultiplied;
      p[index] = (color.r / 255) * alpha + (p[index] ?? 0) * keep;
      p[index + 1] = (color.g / 255) * alpha + (p[index + 1] ?? 0) * keep;
      p[index + 2] = (color.b / 255) * alpha + (p[index + 2] ?? 0) * keep;
      p[index + 3] = alpha + (p[index + 3] ?? 0) * keep;
    });
    return this;
  }

  /** Cuts the shape out, leaving transparency (so the panel behind an icon shows through). */
  erase(shape: Shape): this {
    this.forEachCoveredPixel(shape, (index, cover) => {
      for (let channel = 0; channel < 4; channel++) {
        this.premultiplied[index + channel] = (this.premultiplied[index + channel] ?? 0) * (1 - cover);
      }
    });
    return this;
  }

  private forEachCoveredPixel(
    shape: Shape,
    paintPixel: (index: number, cover: number, x: number, y: number) => void,
  ): void {
    for (let py = 0; py < this.size; py++) {
      for (let px = 0; px < this.size; px++) {
        const cover = this.coverage(shape, px, py);
        if (cover <= 0) continue;
        paintPixel(
          (py * this.size + px) * 4,
          cover,
          (px + 0.5) * this.unitsPerPixel,
          (py + 0.5) * this.unitsPerPixel,
        );
      }
    }
  }

  toImage(): RgbaImage {
    const pixels = new Uint8Array(this.size * this.size * 4);
    for (let i = 0; i < pixels.length; i += 4) {
      const alpha = this.premultiplied[i + 3] ?? 0;
      pixels[i + 3] = Math.round(alpha * 255);
      if (alpha <= 0) continue;
      for (let channel = 0; channel < 3; channel++) {
        pixels[i + channel] = Math.round(
          Math.min(((this.premultiplied[i + channel] ?? 0) / alpha) * 255, 255),
        );
      }
    }
    return { width: this.size, height: this.size, pixels };
  }
}
