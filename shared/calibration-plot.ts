/** Input of the reliability diagram: one bin of stated confidence with its observed accuracy. */
export interface PlotBin {
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

/** Input of the trend plot: running score after each day. */
export interface TrendPoint {
  readonly time: string;
  readonly n: number;
  readonly brier: number;
  readonly accuracy: number;
}

/** Escapes text for SVG/XML content and attributes (model names are user data). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * A reliability diagram as a standalone SVG string: stated-confidence bins (x) against observed
 * accuracy (y), the diagonal of perfect calibration, labelled axes and the claim count of each bin.
 * Pure, so the Calibrator pane and the export draw the same picture. Colours come from
 * `currentColor` so it follows the surrounding theme.
 */
export function reliabilityDiagramSvg(bins: readonly PlotBin[], title: string, size = 240): string {
  const pad = { l: 40, r: 10, t: 22, b: 36 };
  const w = size;
  const h = size;
  const pw = w - pad.l - pad.r;
  const ph = h - pad.t - pad.b;
  const x = (v: number) => pad.l + v * pw;
  const y = (v: number) => pad.t + (1 - v) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeXml(`Reliability diagram: ${title}`)}" font-family="system-ui, sans-serif" font-size="10">`);
  parts.push(`<title>${escapeXml(`Reliability diagram: ${title}`)}</title>`);
  parts.push(`<text x="${w / 2}" y="13" text-anchor="middle" fill="currentColor" font-size="11">${escapeXml(title)}</text>`);
  // Grid and axes.
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${f(x(0))}" y1="${f(y(t))}" x2="${f(x(1))}" y2="${f(y(t))}" stroke="currentColor" stroke-opacity="0.12"/>`);
    parts.push(`<text x="${f(x(0) - 4)}" y="${f(y(t) + 3)}" text-anchor="end" fill="currentColor" fill-opacity="0.7">${t}</text>`);
    parts.push(`<text x="${f(x(t))}" y="${f(y(0) + 12)}" text-anchor="middle" fill="currentColor" fill-opacity="0.7">${t}</text>`);
  }
  parts.push(`<rect x="${f(x(0))}" y="${f(y(1))}" width="${f(pw)}" height="${f(ph)}" fill="none" stroke="currentColor" stroke-opacity="0.4"/>`);
  // Bars: observed accuracy per bin, with the count above.
  const bw = pw / Math.max(1, bins.length);
  for (const b of bins) {
    if (b.n === 0) continue;
    const bx = x(b.lo) + 1;
    parts.push(`<rect class="bin" x="${f(bx)}" y="${f(y(b.accuracy))}" width="${f(bw - 2)}" height="${f(y(0) - y(b.accuracy))}" fill="#4c8bf5" fill-opacity="0.55"><title>${escapeXml(`confidence ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: ${b.n} claims, ${Math.round(b.accuracy * 100)}% held (mean confidence ${Math.round(b.meanConfidence * 100)}%)`)}</title></rect>`);
    parts.push(`<text x="${f(bx + (bw - 2) / 2)}" y="${f(Math.max(pad.t + 8, y(b.accuracy) - 3))}" text-anchor="middle" fill="currentColor">${b.n}</text>`);
  }
  // The diagonal: where stated confidence equals observed accuracy.
  parts.push(`<line class="diagonal" x1="${f(x(0))}" y1="${f(y(0))}" x2="${f(x(1))}" y2="${f(y(1))}" stroke="currentColor" stroke-dasharray="4 3" stroke-opacity="0.8"/>`);
  parts.push(`<text x="${f(x(0.5))}" y="${h - 4}" text-anchor="middle" fill="currentColor">stated confidence</text>`);
  parts.push(`<text x="10" y="${f(y(0.5))}" text-anchor="middle" fill="currentColor" transform="rotate(-90 10 ${f(y(0.5))})">observed accuracy</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** A small line plot of the running Brier score (lower is better) and accuracy over time, as SVG. */
export function calibrationTrendSvg(points: readonly TrendPoint[], title: string, width = 240, height = 80): string {
  const pad = { l: 28, r: 8, t: 14, b: 16 };
  const pw = width - pad.l - pad.r;
  const ph = height - pad.t - pad.b;
  const x = (i: number) => pad.l + (points.length <= 1 ? pw / 2 : (i / (points.length - 1)) * pw);
  const y = (v: number) => pad.t + (1 - v) * ph;
  const line = (get: (p: TrendPoint) => number) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(i))},${f(y(get(p)))}`).join(' ');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(`Calibration trend: ${title}`)}" font-family="system-ui, sans-serif" font-size="9">`);
  parts.push(`<title>${escapeXml(`Calibration trend: ${title}`)}</title>`);
  parts.push(`<rect x="${pad.l}" y="${pad.t}" width="${pw}" height="${ph}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>`);
  parts.push(`<text x="${pad.l - 3}" y="${pad.t + 3}" text-anchor="end" fill="currentColor" fill-opacity="0.7">1</text><text x="${pad.l - 3}" y="${pad.t + ph}" text-anchor="end" fill="currentColor" fill-opacity="0.7">0</text>`);
  if (points.length > 0) {
    parts.push(`<path class="brier" d="${line((p) => p.brier)}" fill="none" stroke="#d9822b" stroke-width="1.5"/>`);
    parts.push(`<path class="accuracy" d="${line((p) => p.accuracy)}" fill="none" stroke="#4c8bf5" stroke-width="1.5"/>`);
    for (const [i, p] of points.entries()) parts.push(`<circle cx="${f(x(i))}" cy="${f(y(p.accuracy))}" r="2" fill="#4c8bf5"/>`);
    for (const [i, p] of points.entries()) parts.push(`<circle cx="${f(x(i))}" cy="${f(y(p.brier))}" r="2" fill="#d9822b"><title>${escapeXml(`${p.time}: Brier ${p.brier.toFixed(3)}, accuracy ${Math.round(p.accuracy * 100)}% over ${p.n} claims`)}</title></circle>`);
    parts.push(`<text x="${pad.l}" y="${height - 4}" fill="currentColor" fill-opacity="0.7">${escapeXml(points[0]!.time)}</text>`);
    parts.push(`<text x="${width - pad.r}" y="${height - 4}" text-anchor="end" fill="currentColor" fill-opacity="0.7">${escapeXml(points[points.length - 1]!.time)}</text>`);
  }
  parts.push(`<text x="${pad.l + 2}" y="10" fill="#d9822b">Brier</text><text x="${pad.l + 34}" y="10" fill="#4c8bf5">accuracy</text>`);
  parts.push('</svg>');
  return parts.join('');
}
