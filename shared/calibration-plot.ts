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

/**
 * Colours of a plot. Any SVG paint works: the pane passes CSS variables (`var(--accent)`), which
 * inline SVG in the DOM resolves against the theme; the export keeps the printable defaults.
 */
export interface PlotColours {
  /** Text, axes, grid and the diagonal. */
  readonly ink: string;
  /** The one accent: the bars and the accuracy line. */
  readonly accent: string;
  /** The second series of the trend (Brier score), kept neutral so the accent stays the only colour. */
  readonly secondary: string;
}

/** Fixed colours that print on white: the light theme's ink, accent and muted grey. */
export const PRINT_COLOURS: PlotColours = { ink: '#1d2126', accent: '#2f5fd0', secondary: '#5f6b7a' };

const f = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * A reliability diagram as a standalone SVG string: stated-confidence bins (x) against observed
 * accuracy (y), the diagonal of perfect calibration, labelled axes and the claim count of each bin.
 * Pure, so the Calibrator pane and the export draw the same picture; colours are parameters.
 */
export function reliabilityDiagramSvg(bins: readonly PlotBin[], title: string, size = 240, colours: PlotColours = PRINT_COLOURS): string {
  const ink = escapeXml(colours.ink);
  const accent = escapeXml(colours.accent);
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
  parts.push(`<text x="${w / 2}" y="13" text-anchor="middle" fill="${ink}" font-size="11">${escapeXml(title)}</text>`);
  // Grid and axes.
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${f(x(0))}" y1="${f(y(t))}" x2="${f(x(1))}" y2="${f(y(t))}" stroke="${ink}" stroke-opacity="0.12"/>`);
    parts.push(`<text x="${f(x(0) - 4)}" y="${f(y(t) + 3)}" text-anchor="end" fill="${ink}" fill-opacity="0.7">${t}</text>`);
    parts.push(`<text x="${f(x(t))}" y="${f(y(0) + 12)}" text-anchor="middle" fill="${ink}" fill-opacity="0.7">${t}</text>`);
  }
  parts.push(`<rect x="${f(x(0))}" y="${f(y(1))}" width="${f(pw)}" height="${f(ph)}" fill="none" stroke="${ink}" stroke-opacity="0.4"/>`);
  // Bars: observed accuracy per bin, with the count above.
  const bw = pw / Math.max(1, bins.length);
  for (const b of bins) {
    if (b.n === 0) continue;
    const bx = x(b.lo) + 1;
    parts.push(`<rect class="bin" x="${f(bx)}" y="${f(y(b.accuracy))}" width="${f(bw - 2)}" height="${f(y(0) - y(b.accuracy))}" fill="${accent}" fill-opacity="0.55"><title>${escapeXml(`confidence ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: ${b.n} claims, ${Math.round(b.accuracy * 100)}% held (mean confidence ${Math.round(b.meanConfidence * 100)}%)`)}</title></rect>`);
    parts.push(`<text x="${f(bx + (bw - 2) / 2)}" y="${f(Math.max(pad.t + 8, y(b.accuracy) - 3))}" text-anchor="middle" fill="${ink}">${b.n}</text>`);
  }
  // The diagonal: where stated confidence equals observed accuracy.
  parts.push(`<line class="diagonal" x1="${f(x(0))}" y1="${f(y(0))}" x2="${f(x(1))}" y2="${f(y(1))}" stroke="${ink}" stroke-dasharray="4 3" stroke-opacity="0.8"/>`);
  parts.push(`<text x="${f(x(0.5))}" y="${h - 4}" text-anchor="middle" fill="${ink}">stated confidence</text>`);
  parts.push(`<text x="10" y="${f(y(0.5))}" text-anchor="middle" fill="${ink}" transform="rotate(-90 10 ${f(y(0.5))})">observed accuracy</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A small line plot of the running Brier score (lower is better, dashed) and accuracy over time, as
 * SVG. A single day is one point with its date, not a line between two equal dates.
 */
export function calibrationTrendSvg(points: readonly TrendPoint[], title: string, width = 240, height = 80, colours: PlotColours = PRINT_COLOURS): string {
  const ink = escapeXml(colours.ink);
  const accent = escapeXml(colours.accent);
  const second = escapeXml(colours.secondary);
  const pad = { l: 28, r: 8, t: 14, b: 16 };
  const pw = width - pad.l - pad.r;
  const ph = height - pad.t - pad.b;
  const x = (i: number) => pad.l + (points.length <= 1 ? pw / 2 : (i / (points.length - 1)) * pw);
  const y = (v: number) => pad.t + (1 - v) * ph;
  const line = (get: (p: TrendPoint) => number) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(i))},${f(y(get(p)))}`).join(' ');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(`Calibration trend: ${title}`)}" font-family="system-ui, sans-serif" font-size="9">`);
  parts.push(`<title>${escapeXml(`Calibration trend: ${title}`)}</title>`);
  parts.push(`<rect x="${pad.l}" y="${pad.t}" width="${pw}" height="${ph}" fill="none" stroke="${ink}" stroke-opacity="0.3"/>`);
  parts.push(`<text x="${pad.l - 3}" y="${pad.t + 3}" text-anchor="end" fill="${ink}" fill-opacity="0.7">1</text><text x="${pad.l - 3}" y="${pad.t + ph}" text-anchor="end" fill="${ink}" fill-opacity="0.7">0</text>`);
  if (points.length > 0) {
    parts.push(`<path class="brier" d="${line((p) => p.brier)}" fill="none" stroke="${second}" stroke-width="1.5" stroke-dasharray="3 2"/>`);
    parts.push(`<path class="accuracy" d="${line((p) => p.accuracy)}" fill="none" stroke="${accent}" stroke-width="1.5"/>`);
    for (const [i, p] of points.entries()) parts.push(`<circle cx="${f(x(i))}" cy="${f(y(p.accuracy))}" r="2" fill="${accent}"/>`);
    for (const [i, p] of points.entries()) parts.push(`<circle cx="${f(x(i))}" cy="${f(y(p.brier))}" r="2" fill="${second}"><title>${escapeXml(`${p.time}: Brier ${p.brier.toFixed(3)}, accuracy ${Math.round(p.accuracy * 100)}% over ${p.n} claims`)}</title></circle>`);
    const first = points[0]!;
    const last = points[points.length - 1]!;
    if (points.length === 1 || first.time === last.time) {
      // One day of verdicts: one point, its date once, under it.
      parts.push(`<text class="date" x="${f(x(0))}" y="${height - 4}" text-anchor="middle" fill="${ink}" fill-opacity="0.7">${escapeXml(last.time)}</text>`);
    } else {
      parts.push(`<text class="date" x="${pad.l}" y="${height - 4}" fill="${ink}" fill-opacity="0.7">${escapeXml(first.time)}</text>`);
      parts.push(`<text class="date" x="${width - pad.r}" y="${height - 4}" text-anchor="end" fill="${ink}" fill-opacity="0.7">${escapeXml(last.time)}</text>`);
    }
  }
  parts.push(`<text x="${pad.l + 2}" y="10" fill="${second}">Brier</text><text x="${pad.l + 34}" y="10" fill="${accent}">accuracy</text>`);
  parts.push('</svg>');
  return parts.join('');
}
