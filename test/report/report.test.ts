/** The HTML report (docs/dashboard.md §report) and its PNG rendering with the bundled font. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { buildReport, ReadOnlyStore, svgToPng, writeReport } from "../../src/report/index.ts";
import { bundledFontFiles } from "../../src/report/png.ts";
import { InputError } from "../../src/errors.ts";

/** Non-white pixels of a rendered SVG. */
function ink(svg: string): number {
  const r = new Resvg(svg, {
    background: "white",
    font: { fontFiles: bundledFontFiles(), loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
  }).render();
  const px = r.pixels;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) n++;
  return n;
}

test("PNG text is drawn with the bundled font (a text-only SVG has ink; the same without text has none)", () => {
  const text = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" font-family="nonexistent-font, sans-serif" font-size="20">loss 0.25</text></svg>`;
  const blank = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"></svg>`;
  assert.ok(ink(text) > 100, `${ink(text)} dark pixels`);
  assert.equal(ink(blank), 0);
  const png = svgToPng(text);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 400, "scale 2: width 400");
});

test("report of a run with monitor observables and events: sections, paired raw/quotient figure, lead times, escaping, PNGs", () => {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-report-"));
  const path = join(dir, "s.db");
  const w = SqliteRunStore.open(path);
  const run = w.createRun({
    name: "<script>alert(1)</script>",
    experiment: "e&x",
    config: { lr: 0.1, note: "</pre><b>" },
  });
  w.transaction(() => {
    for (let s = 0; s <= 400; s += 4)
      w.logScalars(run.id, s, {
        "train/loss": Math.exp(-s / 100),
        "monitor/raw/lambdaMin": -0.1 * Math.sin(s / 50),
        "monitor/quotient/lambdaMin": -0.05 * Math.sin(s / 50),
        "monitor/quotient/orbitMinSqNorm": 1 + s / 400,
      });
  });
  w.logEvent(run.id, {
    step: 120,
    kind: "forecast",
    payload: { observable: "monitor/quotient/lambdaMin", forecastStep: 200 },
  });
  w.logEvent(run.id, { step: 180, kind: "phase_transition", payload: { observable: "monitor/quotient/lambdaMin" } });
  w.logEvent(run.id, { step: 190, kind: "detection", payload: { observable: "monitor/raw/lambdaMin", leadSteps: 7 } });
  w.setStatus(run.id, "FINISHED");
  w.close();
  const r = ReadOnlyStore.open(path);
  const built = buildReport(r, run.id.slice(0, 6), { verify: { verdict: "holds", hj: { order: 2.01 } } });
  r.close();
  const html = built.html;
  assert.equal(built.analysis, null, "no weights: no analysis");
  assert.ok(!html.includes("<script>alert(1)"), "the run name is escaped");
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!html.includes("</pre><b>"), "the config is escaped");
  for (const id of ["curves-train", "observable-lambdaMin", "observables-quotient", "timeline"])
    assert.ok(html.includes(`<figure id="${id}"`), `figure ${id}`);
  assert.ok(!html.includes(`id="observables-raw"`), "lambdaMin is paired, so no unpaired raw figure");
  // lead: the forecast at step 120 to the transition at 180 → 60 steps; the detection's own leadSteps 7
  assert.match(html, /<td>120<\/td><td>forecast<\/td><td>monitor\/quotient\/lambdaMin<\/td><td>60<\/td>/);
  assert.match(html, /<td>190<\/td><td>detection<\/td><td>monitor\/raw\/lambdaMin<\/td><td>7<\/td>/);
  assert.match(html, /Verdict: holds/);
  assert.equal((html.match(/href="data:image\/png;base64,/g) ?? []).length, built.figures);
  assert.ok(!/(src|href)="https?:/.test(html), "nothing is loaded from the network");
  const out = writeReport(join(dir, "r.html"), html, path);
  assert.equal(readFileSync(out, "utf8"), html);
  assert.throws(() => writeReport(path, html, path), InputError, "never over the store");
});
