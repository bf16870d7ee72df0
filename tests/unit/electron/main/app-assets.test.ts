import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeTypeFor, resolveAppAsset } from '../../../../electron/main/app-assets';

const dir = '/app/dist/renderer';

describe('resolveAppAsset', () => {
  it('maps the root and paths of the app origin into the renderer folder', () => {
    expect(resolveAppAsset(dir, 'app://plumbline/')).toEqual({ file: join(dir, 'index.html'), mimeType: 'text/html; charset=utf-8' });
    expect(resolveAppAsset(dir, 'app://plumbline/index.html?open=%2Ftmp')?.file).toBe(join(dir, 'index.html'));
    expect(resolveAppAsset(dir, 'app://plumbline/assets/editor.worker-x1.js')).toEqual({ file: join(dir, 'assets/editor.worker-x1.js'), mimeType: 'text/javascript; charset=utf-8' });
    expect(resolveAppAsset(dir, 'app://plumbline/assets/a%20b.css')?.file).toBe(join(dir, 'assets/a b.css'));
  });

  it('keeps dot segments inside the folder (the URL parser resolves them at the root)', () => {
    expect(resolveAppAsset(dir, 'app://plumbline/../../etc/passwd')?.file).toBe(join(dir, 'etc/passwd'));
    expect(resolveAppAsset(dir, 'app://plumbline/%2e%2e/%2e%2e/etc/passwd')?.file).toBe(join(dir, 'etc/passwd'));
  });

  it.each([
    'app://plumbline/assets/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://plumbline/assets/..%5C..%5Csecret',
    'app://plumbline/a%00b.js',
    'app://plumbline/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'nonsense',
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(dir, url)).toBeNull();
  });
});

describe('mimeTypeFor', () => {
  it('knows the kinds a vite build emits and falls back to bytes', () => {
    expect(mimeTypeFor('x.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('x.TTF')).toBe('font/ttf');
    expect(mimeTypeFor('x.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});
