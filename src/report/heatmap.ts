/**
 * A dependency-free SVG heat map over two categorical axes (a sweep's grid): one cell per (x, y)
 * pair, coloured on a sequential scale (viridis, readable in grey and by colour-blind readers), the
 * value written in the cell, cells without data hatched grey, a colour bar with its range. The
 * first y label is at the bottom, as in a phase diagram. Returns a standalone SVG document.
 */
import { escapeXml } from "./svgplot.ts";

export interface HeatmapOptions {
  xLabels: readonly string[];
  yLabels: readonly string[];
  /** values[i][j]: row i (y), column j (x); NaN: no data. */
  values: readonly (readonly number[])[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** The colour bar's caption. */
  valueLabel?: string;
  /** The range mapped to the ends of the scale (default: the finite values' extent). */
  range?: [number, number];
  /** Colour by log₁₀ of the value (positive values only); the colour bar is labelled in values. */
  logScale?: boolean;
  /** Text in a cell (default: the value to 3 significant digits). */
  cellText?(value: number, i: number, j: number): string;
}

/** Viridis at 10 evenly spaced points (matplotlib's table). */
const VIRIDIS = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 73, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];

/** RGB of t ∈ [0, 1] on the scale (linear between the table's points; t outside is clamped). */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - k;
  return VIRIDIS[k].map((c, m) => Math.round(c + f * (VIRIDIS[k + 1][m] - c))) as [number, number, number];
}

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;

/** Relative luminance (sRGB, Rec. 709 weights): dark cells get white text. */
const luminance = ([r, g, b]: readonly number[]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

function fmt(v: number): string {
  return Number.parseFloat(v.toPrecision(3)).toString();
}

export function heatmap(o: HeatmapOptions): string {
  const nx = o.xLabels.length,
    ny = o.yLabels.length;
  if (o.values.length !== ny || o.values.some((r) => r.length !== nx))
    throw new Error(`heatmap: values must be ${ny} rows of ${nx}`);
  const finite = o.values.flat().filter((v) => Number.isFinite(v) && (!o.logScale || v > 0));
  const [lo, hi] = o.range ?? (finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  const t = o.logScale ? Math.log10 : (v: number) => v;
  const scale = (v: number) => (hi > lo ? (t(v) - t(lo)) / (t(hi) - t(lo)) : 0.5);
  const cell = 56,
    left = 96,
    top = o.title ? 40 : 16,
    barW = 14;
  const gridW = nx * cell,
    gridH = ny * cell;
  // Wide enough for the title (≈ 7.5 px per character at 13 px bold).
  const width = Math.max(left + gridW + 90, Math.ceil((o.title?.length ?? 0) * 7.5) + 20),
    height = top + gridH + 56;
  const text = o.cellText ?? ((v: number) => fmt(v));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<defs><pattern id="nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
      `<rect width="6" height="6" fill="#eeeeee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bbbbbb" stroke-width="2"/></pattern></defs>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (o.title)
    out.push(
      `<text x="${width / 2}" y="22" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(o.title)}</text>`,
    );
  for (let i = 0; i < ny; i++) {
    const y = top + (ny - 1 - i) * cell;
    out.push(`<text x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end">${escapeXml(o.yLabels[i])}</text>`);
    for (let j = 0; j < nx; j++) {
      const x = left + j * cell;
      const v = o.values[i][j];
      if (!Number.isFinite(v) || (o.logScale && v <= 0)) {
        out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="url(#nodata)" stroke="white"/>`);
        continue;
      }
      const rgb = viridis(scale(v));
      const ink = luminance(rgb) > 0.5 ? "black" : "white";
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${hex(rgb)}" stroke="white"/>`);
      out.push(
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${ink}">${escapeXml(text(v, i, j))}</text>`,
      );
    }
  }
  for (let j = 0; j < nx; j++)
    out.push(
      `<text x="${left + j * cell + cell / 2}" y="${top + gridH + 16}" text-anchor="middle">${escapeXml(o.xLabels[j])}</text>`,
    );
  if (o.xLabel)
    out.push(
      `<text x="${left + gridW / 2}" y="${top + gridH + 40}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    );
  const mid = top + gridH / 2;
  if (o.yLabel)
    out.push(
      `<text x="18" y="${mid}" text-anchor="middle" transform="rotate(-90 18 ${mid})">${escapeXml(o.yLabel)}</text>`,
    );
  // Colour bar: 20 bands from lo (bottom) to hi (top).
  const bx = left + gridW + 24;
  const bands = 20;
  for (let k = 0; k < bands; k++) {
    const h = gridH / bands;
    out.push(
      `<rect x="${bx}" y="${top + gridH - (k + 1) * h}" width="${barW}" height="${h + 0.5}" fill="${hex(viridis((k + 0.5) / bands))}"/>`,
    );
  }
  out.push(`<text x="${bx + barW + 4}" y="${top + 10}">${escapeXml(fmt(hi))}</text>`);
  if (o.logScale) out.push(`<text x="${bx + barW + 4}" y="${top + gridH / 2 + 4}">log</text>`);
  out.push(`<text x="${bx + barW + 4}" y="${top + gridH}">${escapeXml(fmt(lo))}</text>`);
  if (o.valueLabel)
    out.push(
      `<text x="${bx + barW / 2}" y="${top + gridH + 16}" text-anchor="middle">${escapeXml(o.valueLabel)}</text>`,
    );
  out.push("</svg>");
  return out.join("\n") + "\n";
}
