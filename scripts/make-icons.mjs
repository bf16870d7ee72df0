// Draws the Plumbline icon — a plumb bob hanging on its line — and writes resources/icons/:
// icon.svg, png/<n>x<n>.png (16…1024), icon.png (1024), icon.ico (Windows) and icon.icns (macOS).
// Node only: shapes are rasterised here with 4×4 supersampling and PNGs encoded with zlib,
// so the icons can be regenerated without network or image tools: `node scripts/make-icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons');

// Geometry in a unit square (0..1), shared by the SVG and the raster.
const BG = { r: 0.2, color: [0x1d, 0x33, 0x52] };
const LINE = { x: 0.5, y0: 0.1, y1: 0.36, w: 0.026, color: [0xe6, 0xec, 0xf3] };
const CAP = { x0: 0.445, x1: 0.555, y0: 0.34, y1: 0.41, color: [0xb7, 0x80, 0x2a] };
// Body: a short cylinder then a cone to the point that marks true vertical.
const BODY = [
  [0.33, 0.41],
  [0.67, 0.41],
  [0.67, 0.57],
  [0.5, 0.9],
  [0.33, 0.57],
];
const BODY_LIGHT = [0xf2, 0xc4, 0x6b];
const BODY_SHADE = [0xcf, 0x93, 0x35];

/** Point-in-polygon by ray casting. */
function inPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside a rounded square of corner radius r. */
function inRoundedSquare(x, y, r) {
  if (x < 0 || x > 1 || y < 0 || y > 1) return false;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour of the topmost shape at a point, or null where the icon is transparent. */
function colourAt(x, y) {
  if (inPolygon(x, y, BODY)) return x < 0.5 ? BODY_LIGHT : BODY_SHADE;
  if (x >= CAP.x0 && x <= CAP.x1 && y >= CAP.y0 && y <= CAP.y1) return CAP.color;
  if (Math.abs(x - LINE.x) <= LINE.w / 2 && y >= LINE.y0 && y <= LINE.y1) return LINE.color;
  if (inRoundedSquare(x, y, BG.r)) return BG.color;
  return null;
}

/** Rasterises the icon to straight RGBA at n×n pixels. */
function rasterise(n) {
  const S = 4;
  const rgba = Buffer.alloc(n * n * 4);
  for (let py = 0; py < n; py++) {
    for (let px = 0; px < n; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = colourAt((px + (sx + 0.5) / S) / n, (py + (sy + 0.5) / S) / n);
          if (!c) continue;
          r += c[0]; g += c[1]; b += c[2]; a++;
        }
      }
      const o = (py * n + px) * 4;
      if (a) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
        rgba[o + 3] = Math.round((a / (S * S)) * 255);
      }
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG chunks need it. */
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC over type and data. */
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit RGBA, no filtering). */
export function encodePng(n, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(n, 0);
  ihdr.writeUInt32BE(n, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(n * (n * 4 + 1));
  for (let y = 0; y < n; y++) rgba.copy(raw, y * (n * 4 + 1) + 1, y * n * 4, (y + 1) * n * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows .ico holding PNG images (supported since Windows Vista). */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** A macOS .icns holding PNG images under their type codes. */
function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((s, p) => s + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** The same drawing as SVG (1024 units). */
function svg() {
  const k = (v) => Math.round(v * 1024 * 10) / 10;
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const half = (side) => BODY.map(([x, y]) => [side === 'left' ? Math.min(x, 0.5) : Math.max(x, 0.5), y]);
  const pts = (poly) => poly.map(([x, y]) => `${k(x)},${k(y)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">
  <title>Plumbline</title>
  <rect width="1024" height="1024" rx="${k(BG.r)}" fill="${hex(BG.color)}"/>
  <rect x="${k(LINE.x - LINE.w / 2)}" y="${k(LINE.y0)}" width="${k(LINE.w)}" height="${k(LINE.y1 - LINE.y0)}" fill="${hex(LINE.color)}"/>
  <rect x="${k(CAP.x0)}" y="${k(CAP.y0)}" width="${k(CAP.x1 - CAP.x0)}" height="${k(CAP.y1 - CAP.y0)}" fill="${hex(CAP.color)}"/>
  <polygon points="${pts(half('left'))}" fill="${hex(BODY_LIGHT)}"/>
  <polygon points="${pts(half('right'))}" fill="${hex(BODY_SHADE)}"/>
</svg>
`;
}

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const png = new Map(sizes.map((n) => [n, encodePng(n, rasterise(n))]));
mkdirSync(join(outDir, 'png'), { recursive: true });
for (const [n, data] of png) writeFileSync(join(outDir, 'png', `${n}x${n}.png`), data);
writeFileSync(join(outDir, 'icon.png'), png.get(1024));
writeFileSync(join(outDir, 'icon.svg'), svg());
writeFileSync(join(outDir, 'icon.ico'), encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: png.get(size) }))));
writeFileSync(
  join(outDir, 'icon.icns'),
  encodeIcns([
    { type: 'icp4', png: png.get(16) },
    { type: 'icp5', png: png.get(32) },
    { type: 'icp6', png: png.get(64) },
    { type: 'ic07', png: png.get(128) },
    { type: 'ic08', png: png.get(256) },
    { type: 'ic09', png: png.get(512) },
    { type: 'ic10', png: png.get(1024) },
    { type: 'ic11', png: png.get(32) },
    { type: 'ic12', png: png.get(64) },
    { type: 'ic13', png: png.get(256) },
    { type: 'ic14', png: png.get(512) },
  ]),
);
console.log(`Wrote ${outDir}: icon.svg, icon.png, icon.ico, icon.icns, png/{${sizes.join(',')}}`);
