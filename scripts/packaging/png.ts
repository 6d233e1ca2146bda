// A small PNG encoder and decoder for 8-bit RGBA images, on node:zlib alone: the icon scripts draw
// their pixels themselves and need no image library. The decoder reads back what the encoder writes
// (and any non-interlaced 8-bit RGBA PNG), so tests can check the files that were written.
import { deflateSync, inflateSync } from 'node:zlib';

export interface RgbaImage {
  width: number;
  height: number;
  /** Row-major, 4 bytes per pixel, straight (not premultiplied) alpha. */
  pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_RGBA = 6;
const BYTES_PER_PIXEL = 4;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Each row gets filter byte 0 (None): icons are small and deflate does the real work. */
function rawScanlines(image: RgbaImage): Buffer {
  const stride = image.width * BYTES_PER_PIXEL;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return raw;
}

export function encodePng(image: RgbaImage): Buffer {
  if (image.pixels.length !== image.width * image.height * BYTES_PER_PIXEL) {
    throw new RangeError(
      `Expected ${image.width}x${image.height} RGBA pixels, got ${image.pixels.length} bytes`,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE_RGBA;
  // bytes 10-12: compression, filter method, interlace: all 0
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rawScanlines(image), { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

function unfilterRow(filter: number, row: Uint8Array, previous: Uint8Array): void {
  for (let i = 0; i < row.length; i++) {
    const left = i >= BYTES_PER_PIXEL ? (row[i - BYTES_PER_PIXEL] ?? 0) : 0;
    const up = previous[i] ?? 0;
    const upLeft = i >= BYTES_PER_PIXEL ? (previous[i - BYTES_PER_PIXEL] ?? 0) : 0;
    const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
    if (predictor === undefined) throw new Error(`Unknown PNG filter type ${filter}`);
    row[i] = ((row[i] ?? 0) + predictor) & 0xff;
  }
}

interface PngChunk {
  type: string;
  data: Buffer;
}

/** Splits a PNG into chunks, checking the signature and every chunk's CRC. */
export function readPngChunks(png: Buffer): PngChunk[] {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('Not a PNG file (bad signature)');
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== png.readUInt32BE(offset + 8 + length)) {
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    }
    chunks.push({ type, data });
    offset += 12 + length;
  }
  if (chunks.at(-1)?.type !== 'IEND') throw new Error('PNG file does not end with IEND');
  return chunks;
}

export function decodePng(png: Buffer): RgbaImage {
  const chunks = readPngChunks(png);
  const header = chunks[0];
  if (header?.type !== 'IHDR') throw new Error('PNG file does not start with IHDR');
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  if (header.data[8] !== 8 || header.data[9] !== COLOR_TYPE_RGBA || header.data[12] !== 0) {
    throw new Error('Only non-interlaced 8-bit RGBA PNG files are supported');
  }
  const compressed = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = inflateSync(compressed);
  const stride = width * BYTES_PER_PIXEL;
  if (raw.length !== (stride + 1) * height) throw new Error('PNG image data has the wrong length');
  const pixels = new Uint8Array(stride * height);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = Uint8Array.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    unfilterRow(raw[y * (stride + 1)] ?? 0, row, previous);
    pixels.set(row, y * stride);
    previous = row;
  }
  return { width, height, pixels };
}
