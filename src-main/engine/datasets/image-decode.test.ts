import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset';
import { decodeImage, imageKind, jpegComponents, pngSync } from './image-decode';

function rgba(w: number, h: number, f: (p: number) => number[]): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set(f(p), p * 4);
  return data;
}

describe('decodeImage', () => {
  it('decodes gray PNGs as gray and RGBA PNGs as RGB with alpha dropped', () => {
    const gray = pngSync.write({ width: 3, height: 2, data: rgba(3, 2, (p) => [p * 10, p * 10, p * 10, 255]) }, { colorType: 0 });
    const g = decodeImage(gray, 'g.png');
    expect([g.width, g.height, g.gray]).toEqual([3, 2, true]);
    expect([...g.rgb.subarray(12, 15)]).toEqual([40, 40, 40]);
    const color = pngSync.write({ width: 2, height: 2, data: rgba(2, 2, (p) => [p, 100, 200, p * 60]) }, { colorType: 6 });
    const c = decodeImage(color, 'c.png');
    expect(c.gray).toBe(false);
    expect([...c.rgb]).toEqual([0, 100, 200, 1, 100, 200, 2, 100, 200, 3, 100, 200]);
  });

  it('decodes JPEGs within tolerance and reads their component count', () => {
    const bytes = jpeg.encode({ width: 8, height: 8, data: rgba(8, 8, () => [30, 140, 220, 255]) }, 95).data;
    expect(imageKind(bytes)).toBe('jpeg');
    expect(jpegComponents(bytes)).toBe(3);
    const img = decodeImage(bytes, 'x.jpg');
    expect([img.width, img.height, img.gray]).toEqual([8, 8, false]);
    [30, 140, 220].forEach((v, i) => expect(Math.abs(img.rgb[27 + i] - v)).toBeLessThanOrEqual(4));
  });

  it('throws a DatasetError naming the file for unknown or broken data', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3]), 'a.png')).toThrow(DatasetError);
    expect(() => decodeImage(new Uint8Array([1, 2, 3]), 'a.png')).toThrow(/^a\.png: not a PNG or JPEG image/);
    const png = pngSync.write({ width: 2, height: 2, data: new Uint8Array(16) });
    expect(() => decodeImage(png.subarray(0, 40), 'cut.png')).toThrow(/^cut\.png: cannot decode PNG/);
  });
});
