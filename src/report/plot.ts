/**
 * Figures for reports: Observable Plot rendered in Node on a linkedom document, returned as a
 * standalone SVG document (xmlns, white background, the bundled font named first) so the same text
 * is inlined in the HTML, downloaded as .svg and rasterised to PNG (./png.ts). Legends are drawn
 * inside the SVG (Plot's own swatch legends are HTML, which an .svg or .png file cannot hold).
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { escapeXml } from "./svgplot.ts";

/** The font every figure asks for first; ./png.ts ships it, browsers fall back to their sans-serif. */
export const FIGURE_FONT = "DejaVu Sans";

export interface Figure {
  /** Stable id inside one report (anchors and file names). */
  id: string;
  title: string;
  /** One or two sentences under the figure: what is plotted and how to read it. */
  caption: string;
  svg: string;
}

interface PlotNode {
  outerHTML: string;
  scale(
    name: "color",
  ): { type: string; domain: unknown[]; range?: unknown[]; apply?: (v: unknown) => string } | undefined;
}

const LEGEND_ROW = 16;

/** Swatch legend rows laid out left to right, wrapping at the plot width. */
function swatches(domain: unknown[], color: (v: unknown) => string, width: number): { svg: string; height: number } {
  const parts: string[] = [];
  let x = 10;
  let y = 12;
  for (const d of domain) {
    const label = String(d);
    const w = 22 + 6.5 * label.length;
    if (x + w > width - 10 && x > 10) {
      x = 10;
      y += LEGEND_ROW;
    }
    parts.push(
      `<rect x="${x}" y="${y - 8}" width="14" height="10" fill="${escapeXml(color(d))}"/>` +
        `<text x="${x + 18}" y="${y}" text-anchor="start">${escapeXml(label)}</text>`,
    );
    x += w;
  }
  return { svg: `<g font-size="11">${parts.join("")}</g>`, height: y + 8 };
}

/** Three significant digits in little room: 0.0123, 4.56, 1.2e-7 (one decimal of exponent form below 1e-3 and from 1e5). */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

/**
 * A continuous colour ramp (40 steps over the domain's extremes) with the end and middle values;
 * for a log scale the steps and the middle are geometric (the middle value is √(lo·hi)).
 */
function ramp(domain: number[], color: (v: unknown) => string, width: number, label = "", log = false): string {
  const lo = Math.min(...domain);
  const hi = Math.max(...domain);
  const at = (t: number) => (log ? lo * (hi / lo) ** t : lo + t * (hi - lo));
  // 240 px wide, right-aligned; a narrower figure gets a narrower ramp that starts at its left edge
  const x0 = Math.max(24, width - 290);
  const w = Math.min(240, width - x0 - 24);
  const steps = 40;
  const parts: string[] = [`<text x="${x0}" y="11" text-anchor="start">${escapeXml(label)}</text>`];
  for (let k = 0; k < steps; k++) {
    const v = at((k + 0.5) / steps);
    parts.push(
      `<rect x="${(x0 + (k * w) / steps).toFixed(2)}" y="16" width="${(w / steps + 0.5).toFixed(2)}" height="10"` +
        ` fill="${escapeXml(color(v))}"/>`,
    );
  }
  [lo, at(0.5), hi].forEach((v, k) =>
    parts.push(`<text x="${x0 + (k * w) / 2}" y="40" text-anchor="middle">${escapeXml(compactNumber(v))}</text>`),
  );
  return `<g font-size="10">${parts.join("")}</g>`;
}

/** Renders Plot options to a standalone SVG string (no title inside: the report prints it). */
export function renderPlot(options: Plot.PlotOptions): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const doc = document as unknown as Document;
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const wantLegend = Boolean(options.color && (options.color as { legend?: boolean }).legend);
  const color = options.color ? { ...options.color, legend: false } : undefined;
  const node = Plot.plot({
    marginLeft: 64,
    ...options,
    color,
    width,
    height,
    document: doc,
    style: { background: "white", color: "black", fontSize: "11px", fontFamily: `${FIGURE_FONT}, sans-serif` },
  }) as unknown as PlotNode;
  let svg = node.outerHTML;
  if (!svg.startsWith("<svg")) throw new Error("renderPlot: Plot returned a figure, expected a bare SVG");
  svg = svg.replace(/font-family="[^"]*"/, `font-family="${escapeXml(FIGURE_FONT)}, sans-serif"`);
  // Plot's stylesheet lets the SVG shrink to its container (max-width: 100%): nested in ours it must keep its size
  svg = svg.replace(/^<svg style="/, `<svg style="width:${width}px;height:${height}px;max-width:none;`);
  let legend = "";
  let legendHeight = 0;
  const scale = wantLegend ? node.scale("color") : undefined;
  if (scale) {
    if (scale.type === "ordinal" || scale.type === "categorical") {
      const range = (scale.range ?? []) as string[];
      const sw = swatches(scale.domain, (v) => range[scale.domain.indexOf(v) % range.length] ?? "black", width);
      legend = sw.svg;
      legendHeight = sw.height;
    } else {
      legend = ramp(
        scale.domain as number[],
        scale.apply ?? (() => "black"),
        width,
        (options.color as { label?: string }).label,
        scale.type === "log",
      );
      legendHeight = 50;
    }
  }
  // wrap: legend on top, the plot below it, one white background
  const total = height + legendHeight;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="${escapeXml(FIGURE_FONT)}, sans-serif" font-size="11">` +
    `<rect width="${width}" height="${total}" fill="white"/>${legend}` +
    svg.replace(/^<svg/, `<svg x="0" y="${legendHeight}"`) +
    `</svg>`
  );
}

export { Plot };
