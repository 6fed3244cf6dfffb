/**
 * Figures for reports: Observable Plot rendered in Node on a linkedom document, returned as a
 * standalone SVG document (xmlns, white background, the bundled font named first) so the same text
 * is inlined in the HTML, downloaded as .svg and rasterised to PNG (./png.ts).
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

/** Renders Plot options to a standalone SVG string (no title inside: the report prints it). */
export function renderPlot(options: Plot.PlotOptions): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const node = Plot.plot({
    ...options,
    width,
    height,
    document: document as unknown as Document,
    style: { background: "white", color: "black", fontSize: "11px", fontFamily: `${FIGURE_FONT}, sans-serif` },
  }) as unknown as { outerHTML: string; tagName: string };
  let svg = node.outerHTML;
  if (node.tagName.toLowerCase() !== "svg") throw new Error("renderPlot: Plot returned a figure, expected a bare SVG");
  svg = svg.replace(/^<svg/, `<svg xmlns="http://www.w3.org/2000/svg"`);
  // Plot writes font-family on the root; ask for the bundled font first so PNG and page agree.
  svg = svg.replace(/font-family="[^"]*"/, `font-family="${escapeXml(FIGURE_FONT)}, sans-serif"`);
  return svg;
}

export { Plot };
