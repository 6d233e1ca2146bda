// Windows .ico and macOS .icns files, assembled from rendered images. Both formats can hold PNG
// data; the .ico keeps its small sizes as classic 32-bit bitmaps, which every Windows tool (and the
// NSIS installer builder) reads, and uses PNG only for the large sizes, as Windows itself does.
import { encodePng } from './png';
import type { RgbaImage } from './png';

const ICO_HEADER_BYTES = 6;
const ICO_ENTRY_BYTES = 16;
const BITMAP_INFO_HEADER_BYTES = 40;
/** Sizes from this up are stored as PNG inside the .ico. */
const ICO_PNG_FROM = 128;

/** Bottom-up BGRA pixels, then a 1-bit mask (set where fully transparent) for old readers. */
function icoBitmap(image: RgbaImage): Buffer {
  const { width, height, pixels } = image;
  const maskStride = Math.ceil(width / 32) * 4;
  const colorBytes = width * height * 4;
  const out = Buffer.alloc(BITMAP_INFO_HEADER_BYTES + colorBytes + maskStride * height);
  out.writeUInt32LE(BITMAP_INFO_HEADER_BYTES, 0);
  out.writeInt32LE(width, 4);
  out.writeInt32LE(height * 2, 8); // color rows + mask rows
  out.writeUInt16LE(1, 12); // planes
  out.writeUInt16LE(32, 14); // bits per pixel
  out.writeUInt32LE(colorBytes + maskStride * height, 20);
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y;
    for (let x = 0; x < width; x++) {
      const source = (y * width + x) * 4;
      const target = BITMAP_INFO_HEADER_BYTES + (row * width + x) * 4;
      out[target] = pixels[source + 2] ?? 0;
      out[target + 1] = pixels[source + 1] ?? 0;
      out[target + 2] = pixels[source] ?? 0;
      out[target + 3] = pixels[source + 3] ?? 0;
      if ((pixels[source + 3] ?? 0) === 0) {
        const maskByte = BITMAP_INFO_HEADER_BYTES + colorBytes + row * maskStride + (x >> 3);
        out[maskByte] = (out[maskByte] ?? 0) | (0x80 >> (x & 7));
      }
    }
  }
  return out;
}

export function encodeIco(images: RgbaImage[]): Buffer {
  const header = Buffer.alloc(ICO_HEADER_BYTES);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  const bodies: Buffer[] = [];
  let offset = ICO_HEADER_BYTES + ICO_ENTRY_BYTES * images.length;
  for (const image of images) {
    if (image.width !== image.height || image.width > 256)
      throw new RangeError('ICO images are square, at most 256 px');
    const body = image.width >= ICO_PNG_FROM ? encodePng(image) : icoBitmap(image);
    const entry = Buffer.alloc(ICO_ENTRY_BYTES);
    entry[0] = image.width % 256; // 0 means 256
    entry[1] = image.height % 256;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(body.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    bodies.push(body);
    offset += body.length;
  }
  return Buffer.concat([header, ...entries, ...bodies]);
}

export interface IcoEntry {
  size: number;
  format: 'png' | 'bmp';
  data: Buffer;
}

export function readIco(ico: Buffer): IcoEntry[] {
  if (ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) throw new Error('Not an ICO file');
  const count = ico.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const entry = ICO_HEADER_BYTES + i * ICO_ENTRY_BYTES;
    const length = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    const data = ico.subarray(offset, offset + length);
    const isPng = data.subarray(1, 4).toString('latin1') === 'PNG';
    return { size: ico[entry] || 256, format: isPng ? 'png' : 'bmp', data };
  });
}

/** ICNS element types that hold PNG data, by pixel size (the @2x types share sizes with 1x ones). */
export const ICNS_TYPES: ReadonlyArray<{ type: string; pixels: number }> = [
  { type: 'icp4', pixels: 16 },
  { type: 'icp5', pixels: 32 },
  { type: 'ic11', pixels: 32 }, // 16 pt @2x
  { type: 'icp6', pixels: 64 },
  { type: 'ic12', pixels: 64 }, // 32 pt @2x
  { type: 'ic07', pixels: 128 },
  { type: 'ic08', pixels: 256 },
  { type: 'ic13', pixels: 256 }, // 128 pt @2x
  { type: 'ic09', pixels: 512 },
  { type: 'ic14', pixels: 512 }, // 256 pt @2x
  { type: 'ic10', pixels: 1024 }, // 512 pt @2x
];

export function encodeIcns(imageOfSize: (pixels: number) => RgbaImage): Buffer {
  const elements = ICNS_TYPES.map(({ type, pixels }) => {
    const png = encodePng(imageOfSize(pixels));
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([header, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + elements.reduce((sum, element) => sum + element.length, 0), 4);
  return Buffer.concat([header, ...elements]);
}

export function readIcns(icns: Buffer): Array<{ type: string; data: Buffer }> {
  if (icns.toString('latin1', 0, 4) !== 'icns' || icns.readUInt32BE(4) !== icns.length) {
    throw new Error('Not an ICNS file (bad header or length)');
  }
  const elements: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < icns.length;) {
    const length = icns.readUInt32BE(offset + 4);
    elements.push({
      type: icns.toString('latin1', offset, offset + 4),
      data: icns.subarray(offset + 8, offset + length),
    });
    offset += length;
  }
  return elements;
}
