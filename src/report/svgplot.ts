/**
 * A tiny dependency-free SVG line plotter: axes with "nice" ticks (1, 2, 5 × 10ᵏ), tick labels,
 * axis labels, a title, a legend, any number of series (NaN splits a line), vertical marker lines
 * and labelled points. Returns a standalone, well-formed SVG document as a string.
 */

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** stroke-dasharray, e.g. "6 3". */
  dash?: string;
  width?: number;
}

export interface VerticalMarker {
  x: number;
  label: string;
  color?: string;
}

export interface PointMarker {
  x: number;
  y: number;
  label: string;
  color?: string;
}

export interface PlotOptions {
  series: Series[];
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xRange?: [number, number];
  yRange?: [number, number];
  markers?: VerticalMarker[];
  points?: PointMarker[];
  /** Legend corner (default "top-right"). */
  legend?: "top-left" | "top-right";
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/** XML-escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Tick positions covering [lo, hi] at a 1/2/5·10ᵏ step giving about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  // integer multiples k·step, rounded to 12 digits so 3 × 0.2 prints as 0.6
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++)
    ticks.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  return Number.parseFloat(v.toPrecision(6)).toString();
}

function extent(series: Series[], key: "x" | "y"): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s[key].length; i++) {
      const v = s[key][i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

export function linePlot(o: PlotOptions): string {
  const W = o.width ?? 720;
  const H = o.height ?? 440;
  const m = { left: 64, right: 20, top: o.title ? 40 : 16, bottom: 52 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const [x0, x1] = o.xRange ?? extent(o.series, "x");
  let [y0, y1] = o.yRange ?? extent(o.series, "y");
  if (!o.yRange) {
    const pad = 0.05 * (y1 - y0);
    y0 -= pad;
    y1 += pad;
  }
  const sx = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(
    `<defs><clipPath id="plot-area"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath></defs>`,
  );
  if (o.title)
    out.push(
      `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`,
    );
  // grid, ticks and tick labels
  for (const t of niceTicks(x0, x1)) {
    const X = sx(t).toFixed(2);
    out.push(`<line x1="${X}" y1="${m.top}" x2="${X}" y2="${m.top + ph}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${X}" y1="${m.top + ph}" x2="${X}" y2="${m.top + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${X}" y="${m.top + ph + 18}" text-anchor="middle">${escapeXml(fmt(t))}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    const Y = sy(t).toFixed(2);
    out.push(`<line x1="${m.left}" y1="${Y}" x2="${m.left + pw}" y2="${Y}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${m.left - 5}" y1="${Y}" x2="${m.left}" y2="${Y}" stroke="black"/>`);
    out.push(`<text x="${m.left - 8}" y="${Y}" dy="0.35em" text-anchor="end">${escapeXml(fmt(t))}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  if (o.xLabel)
    out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel)
    out.push(
      `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
    );
  // vertical markers
  for (const mk of o.markers ?? []) {
    const X = sx(mk.x).toFixed(2);
    const c = mk.color ?? "#555";
    out.push(
      `<line x1="${X}" y1="${m.top}" x2="${X}" y2="${m.top + ph}" stroke="${escapeXml(c)}" stroke-dasharray="2 3"/>`,
    );
    out.push(
      `<text x="${(sx(mk.x) + 4).toFixed(2)}" y="${m.top + ph - 8}" fill="${escapeXml(c)}">${escapeXml(mk.label)}</text>`,
    );
  }
  // series
  out.push(`<g clip-path="url(#plot-area)" fill="none">`);
  o.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    let d = "";
    let pen = false;
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const xv = s.x[i];
      const yv = s.y[i];
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${sx(xv).toFixed(2)} ${sy(yv).toFixed(2)}`;
      pen = true;
    }
    const dash = s.dash ? ` stroke-dasharray="${escapeXml(s.dash)}"` : "";
    out.push(`<path d="${d}" stroke="${escapeXml(color)}" stroke-width="${s.width ?? 1.8}"${dash}/>`);
  });
  out.push(`</g>`);
  for (const pt of o.points ?? []) {
    const c = pt.color ?? "black";
    out.push(`<circle cx="${sx(pt.x).toFixed(2)}" cy="${sy(pt.y).toFixed(2)}" r="3.5" fill="${escapeXml(c)}"/>`);
    out.push(
      `<text x="${(sx(pt.x) + 6).toFixed(2)}" y="${(sy(pt.y) - 6).toFixed(2)}" fill="${escapeXml(c)}">${escapeXml(pt.label)}</text>`,
    );
  }
  // legend
  const lw = 14 + 8 + Math.max(0, ...o.series.map((s) => s.label.length)) * 7;
  const lx = o.legend === "top-left" ? m.left + 16 : m.left + pw - lw - 10;
  const ly = m.top + 10;
  if (o.series.length > 0) {
    out.push(
      `<rect x="${lx - 6}" y="${ly - 4}" width="${lw + 12}" height="${o.series.length * 18 + 6}" ` +
        `fill="white" fill-opacity="0.85" stroke="#999"/>`,
    );
    o.series.forEach((s, k) => {
      const color = s.color ?? PALETTE[k % PALETTE.length];
      const y = ly + 9 + k * 18;
      const dash = s.dash ? ` stroke-dasharray="${escapeXml(s.dash)}"` : "";
      out.push(
        `<line x1="${lx}" y1="${y}" x2="${lx + 18}" y2="${y}" stroke="${escapeXml(color)}" stroke-width="2"${dash}/>`,
      );
      out.push(`<text x="${lx + 24}" y="${y}" dy="0.35em">${escapeXml(s.label)}</text>`);
    });
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
