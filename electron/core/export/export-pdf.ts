import { existsSync } from 'node:fs';
import { RpcError } from '../../../shared/rpc';

/** Where a Chromium for headless PDF printing may be found. */
export const CHROMIUM_PATHS: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/** The first Chromium found (PLUMBLINE_CHROMIUM overrides), or null. */
export function findChromium(): string | null {
  const env = process.env.PLUMBLINE_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CHROMIUM_PATHS.find((p) => existsSync(p)) ?? null;
}

/**
 * Prints HTML to PDF with a headless Chromium through playwright-core (used by the CLI and by
 * hosts without their own print-to-PDF). Network is not needed: the HTML is self-contained.
 */
export async function printPdfWithChromium(html: string): Promise<Uint8Array> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new RpcError('UNAVAILABLE', 'PDF export needs Chromium or Chrome, and none was found. Install one (or set PLUMBLINE_CHROMIUM to its path), or export HTML and print it from a browser.');
  }
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new RpcError('UNAVAILABLE', 'PDF export needs the playwright-core package, which is not installed. Export HTML and print it from a browser instead.');
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-extensions', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
