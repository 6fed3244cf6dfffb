/** The heat map plotter: well-formed SVG, the colour scale's ends and order, log colouring, no-data cells, layout. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { heatmap, viridis } from "../../src/report/heatmap.ts";
import { checkWellFormed } from "./xml.ts";

const hex = (rgb: number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
/** Fill and y of each data cell, in document order. */
const cells = (svg: string) =>
  [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="56" height="56" fill="([^"]+)"/g)].map((m) => ({
    y: Number(m[1]),
    fill: m[2],
  }));

test("viridis: matplotlib's ends, clamped outside [0, 1], monotone in luminance-ish green", () => {
  assert.equal(hex(viridis(0)), "#440154");
  assert.equal(hex(viridis(1)), "#fde725");
  assert.deepEqual(viridis(-3), viridis(0));
  assert.deepEqual(viridis(7), viridis(1));
  for (let k = 1; k <= 20; k++)
    assert.ok(viridis(k / 20)[1] >= viridis((k - 1) / 20)[1], "green rises along the scale");
});

test("heatmap: one cell per value, the minimum at the scale's start and the maximum at its end, escaped labels", () => {
  const svg = heatmap({
    xLabels: ["0.1", "1 & 2"],
    yLabels: ["a", "b", "<c>"],
    values: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    title: "t",
    xLabel: "lr",
    yLabel: "batch",
    valueLabel: "v",
  });
  checkWellFormed(svg);
  const c = cells(svg);
  assert.equal(c.length, 6);
  assert.equal(c[0].fill, hex(viridis(0)));
  assert.equal(c[5].fill, hex(viridis(1)));
  assert.equal(c[2].fill, hex(viridis(0.4)), "value 3 of [1, 6]");
  assert.ok(c[0].y > c[2].y && c[2].y > c[4].y, "the first row is at the bottom");
  assert.ok(svg.includes(">1 &amp; 2</text>") && svg.includes(">&lt;c&gt;</text>"));
  assert.throws(() => heatmap({ xLabels: ["a"], yLabels: ["b"], values: [[1, 2]] }), /values must be 1 rows of 1/);
});

test("heatmap: NaN cells are hatched and carry no text; a fixed range and a log scale place values as given", () => {
  const svg = heatmap({
    xLabels: ["x", "y", "z"],
    yLabels: ["r"],
    values: [[NaN, 0.01, 1]],
    range: [0.001, 10],
    logScale: true,
  });
  checkWellFormed(svg);
  assert.equal((svg.match(/fill="url\(#nodata\)"/g) ?? []).length, 1);
  const c = cells(svg);
  assert.equal(c[0].fill, "url(#nodata)");
  assert.equal(c[1].fill, hex(viridis(0.25)), "log10(0.01) is a quarter of the way from -3 to 1");
  assert.equal(c[2].fill, hex(viridis(0.75)));
  assert.deepEqual(
    [...svg.matchAll(/text-anchor="middle" fill="(?:black|white)">([^<]*)</g)].map((m) => m[1]),
    ["0.01", "1"],
  );
});
