import { BrowserWindow, session } from 'electron';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A separate in-memory session, so the printed document shares no cookies, cache or permissions. */
const PDF_PARTITION = 'plumbline-pdf';

let sessionPrepared = false;

/** Locks the printing session down: no network, no permissions; only the one file and inline data load. */
function prepareSession(): Electron.Session {
  const ses = session.fromPartition(PDF_PARTITION);
  if (!sessionPrepared) {
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.webRequest.onBeforeRequest((details, callback) => {
      const allowed = details.url.startsWith('data:') || (details.url.startsWith('file:') && details.url.includes('/plumbline-pdf-'));
      callback({ cancel: !allowed });
    });
    sessionPrepared = true;
  }
  return ses;
}

/**
 * Renders an HTML document to PDF bytes in a hidden, sandboxed window with scripts disabled.
 * The document is written to a private temp folder first (large documents do not fit in a data URL).
 */
export async function printHtmlToPdf(html: string): Promise<Uint8Array> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'plumbline-pdf-'));
  const file = join(dir, 'document.html');
  const win = new BrowserWindow({
    show: false,
    width: 900,
    height: 1200,
    webPreferences: {
      session: prepareSession(),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      images: true,
      spellcheck: false,
    },
  });
  try {
    await fs.writeFile(file, html, { mode: 0o600 });
    win.webContents.on('will-navigate', (event) => event.preventDefault());
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    await win.loadURL(pathToFileURL(file).toString());
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4', margins: { marginType: 'default' } });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    if (!win.isDestroyed()) win.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
