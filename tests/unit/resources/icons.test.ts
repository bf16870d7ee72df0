import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The packaged app's icons (made by scripts/make-icons.mjs): electron-builder reads these files,
// so they must be what their names say.
const icons = resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/icons');

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('app icons', () => {
  it('has a PNG of every size the Linux packages need, each the size its name says', () => {
    const names = readdirSync(join(icons, 'png')).sort();
    for (const n of [16, 32, 48, 64, 128, 256, 512]) expect(names).toContain(`${n}x${n}.png`);
    for (const name of names) {
      const n = Number(/^(\d+)x\1\.png$/.exec(name)?.[1]);
      expect(pngSize(readFileSync(join(icons, 'png', name)))).toEqual({ width: n, height: n });
    }
    expect(pngSize(readFileSync(join(icons, 'icon.png'))).width).toBeGreaterThanOrEqual(512);
  });

  it('has a Windows .ico whose entries point at PNGs up to 256 px', () => {
    const ico = readFileSync(join(icons, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const e = 6 + i * 16;
      const size = ico[e] || 256;
      const length = ico.readUInt32LE(e + 8);
      const offset = ico.readUInt32LE(e + 12);
      expect(pngSize(ico.subarray(offset, offset + length)).width).toBe(size);
      sizes.push(size);
    }
    expect(sizes).toContain(256);
    expect(sizes).toContain(16);
  });

  it('has a macOS .icns whose length and entries add up, with a 1024 px image', () => {
    const icns = readFileSync(join(icons, 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types = new Map<string, number>();
    for (let at = 8; at < icns.length; ) {
      const type = icns.toString('ascii', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      types.set(type, pngSize(icns.subarray(at + 8, at + length)).width);
      at += length;
    }
    expect(types.get('ic10')).toBe(1024);
    expect(types.get('ic07')).toBe(128);
    expect(types.get('icp4')).toBe(16);
  });

  it('has the SVG source of the drawing', () => {
    expect(readFileSync(join(icons, 'icon.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 1024 1024"/);
  });
});
