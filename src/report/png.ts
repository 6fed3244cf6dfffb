/**
 * SVG → PNG with resvg and a bundled font (DejaVu Sans from the `dejavu-fonts-ttf` package,
 * Bitstream Vera licence + public domain changes). System fonts are never consulted: without a
 * font a rasteriser silently drops every label, and with system fonts two machines give two
 * different pictures.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { FIGURE_FONT } from "./plot.ts";

const require = createRequire(import.meta.url);

/** Paths of the bundled TrueType files (regular and bold). */
export function bundledFontFiles(): string[] {
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return [join(dir, "DejaVuSans.ttf"), join(dir, "DejaVuSans-Bold.ttf")];
}

/** Rasterises a standalone SVG document at `scale` × its size (default 2: crisp on HiDPI screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      fontFiles: bundledFontFiles(),
      loadSystemFonts: false,
      defaultFontFamily: FIGURE_FONT,
      sansSerifFamily: FIGURE_FONT,
      serifFamily: FIGURE_FONT,
      monospaceFamily: FIGURE_FONT,
    },
  });
  return r.render().asPng();
}
