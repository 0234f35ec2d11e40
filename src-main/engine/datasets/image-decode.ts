/**
 * Decoding of single PNG / JPEG images (pngjs, jpeg-js) into 8-bit RGB, alpha dropped,
 * with a note whether the file itself is grayscale (PNG colour type 0/4, one-component JPEG).
 */
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import { DatasetError } from './dataset';

/** A decoded image: RGB bytes in HWC order. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes */
  readonly rgb: Uint8Array;
  /** the file stores a single gray channel */
  readonly gray: boolean;
}

/** The part of pngjs used here (the package ships no type declarations). */
interface PngSync {
  read(buffer: Buffer, options?: { skipRescale?: boolean }): { width: number; height: number; data: Buffer };
  write(png: { width: number; height: number; data: Uint8Array }, options?: { colorType?: number; inputColorType?: number }): Buffer;
}
const require = createRequire(import.meta.url);
/** pngjs's synchronous API, typed. */
export const pngSync: PngSync = (require('pngjs') as { PNG: { sync: PngSync } }).PNG.sync;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image kind by magic bytes, or null. */
export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && PNG_MAGIC.every((v, i) => bytes[i] === v)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Number of colour components declared in a JPEG's start-of-frame marker, or 0 if not found. */
export function jpegComponents(bytes: Uint8Array): number {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return 0;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return bytes[i + 9];
    if (marker === 0xda || marker === 0xd9) return 0;
    i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]);
  }
  return 0;
}

function rgbaToRgb(rgba: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 4, d += 3) {
    rgb[d] = rgba[s];
    rgb[d + 1] = rgba[s + 1];
    rgb[d + 2] = rgba[s + 2];
  }
  return rgb;
}

/**
 * Decodes a PNG or JPEG (detected by magic bytes) to RGB. `file` names the image in the
 * DatasetError thrown for unknown or undecodable data.
 */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  const kind = imageKind(bytes);
  try {
    if (kind === 'png') {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const colorType = bytes.length > 25 ? bytes[25] : 2;
      const png = pngSync.read(buf);
      return { width: png.width, height: png.height, rgb: rgbaToRgb(png.data, png.width * png.height), gray: colorType === 0 || colorType === 4 };
    }
    if (kind === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
      if (img.data.length !== img.width * img.height * 3) throw new Error('unexpected decoded size');
      return { width: img.width, height: img.height, rgb: img.data, gray: jpegComponents(bytes) === 1 };
    }
  } catch (err) {
    throw new DatasetError(file, `cannot decode ${kind === 'png' ? 'PNG' : 'JPEG'} image: ${(err as Error).message}`);
  }
  throw new DatasetError(file, 'not a PNG or JPEG image');
}
