// The committed icons: valid files of the right sizes, identical (to rounding) to what their drawing
// code renders now, tray states told apart by shape, macOS template images black plus alpha. Also
// the small PNG codec the icon scripts use.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICNS_TYPES, readIcns, readIco } from '../scripts/packaging/icon-containers';
import { drawAppIcon, drawTrayTemplate, TRAY_STATES } from '../scripts/packaging/icon-design';
import {
  LINUX_ICON_SIZES,
  TRAY_BASE_SIZES,
  WINDOWS_ICO_SIZES,
  plannedIconFiles,
  trayFileName,
} from '../scripts/packaging/icon-files';
import { crc32, decodePng, encodePng } from '../scripts/packaging/png';
import type { RgbaImage } from '../scripts/packaging/png';

const ICON_TIMEOUT_MS = 60_000;

function largestChannelDifference(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let largest = 0;
  for (let i = 0; i < a.pixels.length; i++) {
    largest = Math.max(largest, Math.abs((a.pixels[i] ?? 0) - (b.pixels[i] ?? 0)));
  }
  return largest;
}

function alphaCoverage(image: RgbaImage): number {
  let sum = 0;
  for (let i = 3; i < image.pixels.length; i += 4) sum += image.pixels[i] ?? 0;
  return sum / 255 / (image.width * image.height);
}

/** Decodes a 32-bit bottom-up bitmap entry of an .ico back to top-down RGBA. */
function decodeIcoBitmap(data: Buffer, size: number): RgbaImage {
  expect(data.readUInt32LE(0)).toBe(40);
  expect([data.readInt32LE(4), data.readInt32LE(8), data.readUInt16LE(14)]).toEqual([size, size * 2, 32]);
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const source = 40 + ((size - 1 - y) * size + x) * 4;
      pixels.set(
        [data[source + 2] ?? 0, data[source + 1] ?? 0, data[source] ?? 0, data[source + 3] ?? 0],
        (y * size + x) * 4,
      );
    }
  }
  return { width: size, height: size, pixels };
}

describe('committed icon files', () => {
  it(
    'match what scripts/make-icons.ts draws (run `npm run icons` after changing the drawing)',
    () => {
      const planned = plannedIconFiles();
      const pngs = planned.filter((file) => file.path.endsWith('.png'));
      expect(pngs.length).toBeGreaterThan(30);
      for (const file of pngs) {
        const committed = decodePng(readFileSync(file.path));
        const rendered = decodePng(file.render());
        expect(largestChannelDifference(committed, rendered), file.path).toBeLessThanOrEqual(1);
      }
    },
    ICON_TIMEOUT_MS,
  );

  it('has a 512 px app icon and the Linux icon set with sizes in the file names', () => {
    expect(decodePng(readFileSync('build/icon.png')).width).toBe(512);
    for (const size of LINUX_ICON_SIZES) {
      const image = decodePng(readFileSync(`build/icons/${size}x${size}.png`));
      expect([image.width, image.height]).toEqual([size, size]);
      // transparent corners (rounded tile), opaque middle
      expect(image.pixels[3]).toBe(0);
      expect(image.pixels[((size / 2) * size + size / 2) * 4 + 3]).toBe(255);
    }
  });

  it(
    'has a Windows .ico with every size up to 256, small ones as bitmaps, equal to the drawing',
    () => {
      const entries = readIco(readFileSync('build/icon.ico'));
      expect(entries.map((entry) => entry.size)).toEqual([...WINDOWS_ICO_SIZES]);
      for (const entry of entries) {
        expect(entry.format).toBe(entry.size >= 128 ? 'png' : 'bmp');
        const image =
          entry.format === 'png' ? decodePng(entry.data) : decodeIcoBitmap(entry.data, entry.size);
        expect(
          largestChannelDifference(image, drawAppIcon(entry.size)),
          `${entry.size} px`,
        ).toBeLessThanOrEqual(1);
      }
    },
    ICON_TIMEOUT_MS,
  );

  it('has a macOS .icns holding PNGs of the sizes its element types promise', () => {
    const elements = readIcns(readFileSync('build/icon.icns'));
    expect(elements.map((element) => element.type)).toEqual(ICNS_TYPES.map((entry) => entry.type));
    for (const element of elements) {
      const image = decodePng(element.data);
      const expected = ICNS_TYPES.find((entry) => entry.type === element.type)?.pixels;
      expect([image.width, image.height], element.type).toEqual([expected, expected]);
    }
  });
});

describe('tray icons', () => {
  it('exist for every state at 16 and 32 px, each with a @2x twice the size', () => {
    for (const state of TRAY_STATES) {
      for (const base of TRAY_BASE_SIZES) {
        for (const scale of [1, 2] as const) {
          const image = decodePng(readFileSync(trayFileName(state, base, scale)));
          expect(image.width, trayFileName(state, base, scale)).toBe(base * scale);
          expect(alphaCoverage(image)).toBeGreaterThan(0.15);
        }
      }
    }
  });

  it('have macOS template images of pure black with alpha, named *Template.png', () => {
    for (const state of TRAY_STATES) {
      for (const scale of [1, 2] as const) {
        const path = trayFileName(state, 16, scale, true);
        expect(path).toMatch(/Template(@2x)?\.png$/);
        const image = decodePng(readFileSync(path));
        expect(image.width).toBe(16 * scale);
        for (let i = 0; i < image.pixels.length; i += 4) {
          if ((image.pixels[i + 3] ?? 0) > 0) expect([...image.pixels.subarray(i, i + 3)]).toEqual([0, 0, 0]);
        }
      }
    }
  });

  it('tell every state apart by shape alone (the one-color template images all differ)', () => {
    const glyphs = TRAY_STATES.map((state) => drawTrayTemplate(state, 32));
    for (let a = 0; a < glyphs.length; a++) {
      for (let b = a + 1; b < glyphs.length; b++) {
        const [first, second] = [glyphs[a], glyphs[b]];
        if (!first || !second) throw new Error('missing glyph');
        // differ clearly, not by a stray pixel
        let differing = 0;
        for (let i = 3; i < first.pixels.length; i += 4) {
          if (Math.abs((first.pixels[i] ?? 0) - (second.pixels[i] ?? 0)) > 128) differing++;
        }
        expect(differing, `${TRAY_STATES[a]} vs ${TRAY_STATES[b]}`).toBeGreaterThan(12);
      }
    }
  });
});

describe('PNG codec', () => {
  const sample: RgbaImage = {
    width: 5,
    height: 4,
    pixels: Uint8Array.from({ length: 5 * 4 * 4 }, (_, i) => (i * 37 + (i >> 2) * 11) % 256),
  };

  it('decodes what it encodes, byte for byte', () => {
    const decoded = decodePng(encodePng(sample));
    expect([decoded.width, decoded.height]).toEqual([5, 4]);
    expect([...decoded.pixels]).toEqual([...sample.pixels]);
  });

  it('computes the standard CRC-32 and rejects a damaged file', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const png = encodePng(sample);
    png[40] = (png[40] ?? 0) ^ 0xff;
    expect(() => decodePng(png)).toThrow(/CRC/);
    expect(() => decodePng(Buffer.from('not a png at all'))).toThrow(/signature/);
  });

  it('decodes rows written with each of the five PNG filters', () => {
    // Build a PNG by hand whose row y uses filter y, as other encoders do.
    const { width, height, pixels } = { ...sample, height: 5, pixels: new Uint8Array(5 * 5 * 4) };
    pixels.forEach((_, i) => (pixels[i] = (i * 53 + 7) % 256));
    const stride = width * 4;
    const at = (y: number, i: number): number => (y < 0 || i < 0 ? 0 : (pixels[y * stride + i] ?? 0));
    const raw = Buffer.alloc((stride + 1) * height);
    for (let y = 0; y < height; y++) {
      raw[y * (stride + 1)] = y;
      for (let i = 0; i < stride; i++) {
        const [left, up, upLeft] = [at(y, i - 4), at(y - 1, i), at(y - 1, i - 4)];
        const p = left + up - upLeft;
        const paeth =
          Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft)
            ? left
            : Math.abs(p - up) <= Math.abs(p - upLeft)
              ? up
              : upLeft;
        const predictor = [0, left, up, (left + up) >> 1, paeth][y] ?? 0;
        raw[y * (stride + 1) + 1 + i] = (at(y, i) - predictor) & 0xff;
      }
    }
    const reference = encodePng({ width, height, pixels });
    const idatStart = 8 + 25; // signature + IHDR chunk
    const idat = deflateSync(raw);
    const chunk = Buffer.alloc(12 + idat.length);
    chunk.writeUInt32BE(idat.length, 0);
    chunk.write('IDAT', 4, 'latin1');
    idat.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + idat.length)), 8 + idat.length);
    const handMade = Buffer.concat([reference.subarray(0, idatStart), chunk, reference.subarray(-12)]);
    expect([...decodePng(handMade).pixels]).toEqual([...pixels]);
  });
});
