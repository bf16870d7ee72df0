import { buildExportDocument, type ExportOptions } from './export-document';
import { renderExportHtml } from './export-html';
import { printPdfWithChromium } from './export-pdf';

/** Export formats. */
export type ExportFormat = 'md' | 'html' | 'pdf';

/** A rendered export: a file name suggestion, its MIME type and bytes. */
export interface RenderedExport {
  readonly fileName: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

function fileSlug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'project';
}

/** Renders a project's spec and decision log; PDF uses the host's printer when given, else headless Chromium. */
export async function renderExport(
  root: string,
  format: ExportFormat,
  options: ExportOptions,
  printToPdf?: (html: string) => Promise<Uint8Array>,
): Promise<RenderedExport> {
  const doc = await buildExportDocument(root, options);
  const base = `${fileSlug(doc.title)}-spec`;
  if (format === 'md') return { fileName: `${base}.md`, mimeType: 'text/markdown', bytes: Buffer.from(doc.markdown, 'utf8') };
  const html = await renderExportHtml(doc);
  if (format === 'html') return { fileName: `${base}.html`, mimeType: 'text/html', bytes: Buffer.from(html, 'utf8') };
  const pdf = printToPdf ? await printToPdf(html) : await printPdfWithChromium(html);
  return { fileName: `${base}.pdf`, mimeType: 'application/pdf', bytes: pdf };
}
