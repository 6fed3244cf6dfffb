import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { escapeXml, linePlot, niceTicks } from "../../src/report/svgplot.ts";
import { checkWellFormed } from "../report/xml.ts";

test("linePlot: well-formed SVG with axes, ticks, labels, legend, several series, NaN gaps and escaping", () => {
  const x = Array.from({ length: 50 }, (_, i) => i / 10);
  const svg = linePlot({
    title: 'p <x> & "q"',
    xLabel: "x",
    yLabel: "p(x, t)",
    series: [
      { label: "sin", x, y: x.map(Math.sin) },
      { label: "cos & gap", x, y: x.map((v, i) => (i === 20 ? NaN : Math.cos(v))), dash: "6 3" },
    ],
    markers: [{ x: 1, label: "t* = 1" }],
    points: [{ x: 2, y: 0.5, label: "p_L" }],
    legend: "top-left",
  });
  checkWellFormed(svg);
  assert.match(svg, /^<\?xml/);
  assert.ok(svg.includes("p &lt;x&gt; &amp; &quot;q&quot;"));
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  const gapPath = svg.match(/<path d="([^"]*)"[^>]*stroke-dasharray/)![1];
  assert.equal((gapPath.match(/M/g) ?? []).length, 2, "NaN splits the line");
  assert.ok(svg.includes(">cos &amp; gap</text>"), "legend entry");
  assert.throws(() => checkWellFormed("<svg><g></svg>"));
});

test("niceTicks uses 1-2-5 steps and covers the range; escapeXml", () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-1.5, 1.5, 6), [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
  assert.deepEqual(niceTicks(0, 100, 4), [0, 50, 100]);
  assert.equal(escapeXml(`<a href='x'>&</a>`), "&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;");
});

test("scripts/pde-figure.ts writes a well-formed double-well shock figure", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pde-fig-"));
  try {
    const out = join(dir, "fig.svg");
    const r = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/pde-figure.ts", out]);
    const svg = readFileSync(out, "utf8");
    checkWellFormed(svg);
    for (const label of ["t = 0.5", "t = 0.9", "t = 1 = t*", "t = 1.5", "forecast: t* = 1.000"])
      assert.ok(svg.includes(label), label);
    assert.match(r.stderr, /t\* forecast 1 /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
