import { describe, expect, it } from 'vitest';
import { calibrationTrendSvg, PRINT_COLOURS, reliabilityDiagramSvg, type PlotBin, type TrendPoint } from '../../../shared/calibration-plot';

const bins: PlotBin[] = [
  { lo: 0.8, hi: 0.9, n: 3, meanConfidence: 0.85, accuracy: 1 / 3 },
  { lo: 0.9, hi: 1, n: 1, meanConfidence: 0.95, accuracy: 0 },
];
const day = (time: string, brier: number): TrendPoint => ({ time, n: 4, brier, accuracy: 0.25 });
const THEME = { ink: 'currentColor', accent: 'var(--accent)', secondary: 'var(--muted)' };

/** Every paint (fill or stroke value) the SVG uses. */
function paints(svg: string): Set<string> {
  return new Set([...svg.matchAll(/\s(?:fill|stroke)="([^"]*)"/g)].map((m) => m[1]!).filter((v) => v !== 'none'));
}

describe('plot colours', () => {
  it('draws with the printable fixed colours by default', () => {
    const svg = reliabilityDiagramSvg(bins, 'm · builder') + calibrationTrendSvg([day('2026-11-20', 0.4), day('2026-11-21', 0.3)], 'm · builder');
    expect(paints(svg)).toEqual(new Set([PRINT_COLOURS.ink, PRINT_COLOURS.accent, PRINT_COLOURS.secondary]));
    expect(svg).not.toContain('var(');
    expect(svg).not.toContain('currentColor');
  });

  it('takes theme colours from the caller, one accent for the data', () => {
    const diagram = reliabilityDiagramSvg(bins, 'm', 240, THEME);
    expect(paints(diagram)).toEqual(new Set(['currentColor', 'var(--accent)']));
    expect(diagram).toMatch(/class="bin"[^>]*fill="var\(--accent\)"/);
    const trend = calibrationTrendSvg([day('2026-11-20', 0.4), day('2026-11-21', 0.3)], 'm', 240, 80, THEME);
    expect(trend).toMatch(/class="accuracy"[^>]*stroke="var\(--accent\)"/);
    expect(trend).toMatch(/class="brier"[^>]*stroke="var\(--muted\)"/);
    expect(trend).not.toMatch(/#[0-9a-f]{6}/i);
  });

  it('escapes colour values like any other text', () => {
    expect(reliabilityDiagramSvg(bins, 'm', 240, { ...THEME, accent: '"><script>' })).not.toContain('<script>');
  });
});

describe('trend plot', () => {
  it('shows a single day as one point with its date once', () => {
    const svg = calibrationTrendSvg([day('2026-11-21', 0.3)], 'm');
    expect(svg.match(/2026-11-21<\/text>/g)).toHaveLength(1);
    expect(svg.match(/class="date"/g)).toHaveLength(1);
    expect(svg).toMatch(/class="date"[^>]*text-anchor="middle"/);
    expect(svg.match(/<circle/g)).toHaveLength(2);
  });

  it('labels the first and the last day of a longer trend', () => {
    const svg = calibrationTrendSvg([day('2026-11-19', 0.5), day('2026-11-20', 0.4), day('2026-11-21', 0.3)], 'm');
    const dates = [...svg.matchAll(/class="date"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(dates).toEqual(['2026-11-19', '2026-11-21']);
  });
});
