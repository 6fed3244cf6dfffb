/**
 * Phase diagrams of a sweep (docs/sweeps.md §phase-diagram): each cell aggregates the finished runs
 * at its grid point over replicates; diverged and event metrics are fractions, last:KEY averages
 * the runs that did not diverge; a point without a finished run has no value; the SVGs and the page.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { phaseDiagram } from "../../src/sweep/phaseDiagram.ts";
import { phaseMapSvg, writePhaseReport } from "../../src/sweep/phaseReport.ts";
import { scratch } from "../train/helpers.ts";
import { checkWellFormed } from "../report/xml.ts";
import { phaseFixture as fixture } from "./helpers.ts";

test("cells aggregate replicates: fractions for diverged and events, the mean final loss of the runs that did not diverge", () => {
  const { store, sweep } = fixture((lr, b, s) =>
    lr === 1 && b === 8 ? null : { diverged: lr === 1 && s === 1, loss: lr * 10 + b + s, event: b === 8 && s === 0 },
  );
  try {
    // every monitored run logs a summary: not a map of its own unless asked for
    const first = store.sweeps().jobs(sweep.id)[0].runId as string;
    store.logEvent(first, { step: 10, kind: "monitor_summary", payload: { observations: 3 } });
    const d = phaseDiagram(store, sweep.id);
    assert.deepEqual([d.x.path, d.x.values, d.y.path, d.y.values], ["optimizer.lr", [0.1, 1], "batchSize", [4, 8]]);
    assert.deepEqual(
      d.maps.map((m) => m.metric),
      ["diverged", "last:test/loss", "event:phase_transition"],
    );
    const [diverged, loss, event] = d.maps;
    assert.deepEqual(diverged.values, [
      [0, 0.5],
      [0, NaN],
    ]);
    assert.deepEqual(diverged.runs, [
      [2, 2],
      [2, 0],
    ]);
    // lr 0.1, batch 4: seeds 0 and 1 give 5 and 6; lr 1, batch 4: only seed 0 (14) did not diverge.
    assert.deepEqual(loss.values, [
      [5.5, 14],
      [9.5, NaN],
    ]);
    assert.deepEqual(event.values, [
      [0, 0],
      [0.5, NaN],
    ]);
    const chosen = phaseDiagram(store, sweep.id, { x: "batchSize", y: "seed", metrics: ["diverged"] });
    assert.deepEqual(chosen.maps[0].values, [
      [0, 0],
      [0.5, 0],
    ]);
    assert.deepEqual(phaseDiagram(store, sweep.id, { metrics: ["event:monitor_summary"] }).maps[0].values, [
      [0.5, 0],
      [0, NaN],
    ]);
    assert.throws(() => phaseDiagram(store, sweep.id, { x: "model.sizes" }), /no job sets model\.sizes/);
    assert.throws(() => phaseDiagram(store, sweep.id, { metrics: ["best:loss"] }), /unknown metric "best:loss"/);

    const out = join(scratch(), "report");
    const { files, index } = writePhaseReport(d, out);
    assert.deepEqual(
      files.map((f) => f.slice(out.length + 1)),
      ["diverged.svg", "last_test_loss.svg", "event_phase_transition.svg"],
    );
    for (const f of files) checkWellFormed(readFileSync(f, "utf8"));
    const html = readFileSync(index, "utf8");
    assert.equal((html.match(/<section>/g) ?? []).length, 3);
    for (const f of files) assert.ok(html.includes(readFileSync(f, "utf8")), `${f} is inlined`);
    const svg = readFileSync(files[0], "utf8");
    assert.match(svg, />1\/2</, "fractions are written as k/n");
    assert.match(svg, />fraction of runs that diverged</, "the colour legend names the metric");
    assert.equal((svg.match(/>—</g) ?? []).length, 1, "the point without a finished run is marked");
    // last:test/loss spans 5.5 … 14 (linear colours); a metric over decades is coloured, and its legend drawn, on a log scale
    const ramp = (text: string) =>
      [...text.matchAll(/<text x="[\d.]+" y="40" text-anchor="middle">([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(ramp(readFileSync(files[1], "utf8")), ["5.5", "9.75", "14"]);
    const wide = {
      ...d,
      maps: [
        {
          metric: "non-gradient-fraction",
          values: [
            [1e-8, 1e-4],
            [1e-6, NaN],
          ],
          runs: [
            [1, 1],
            [1, 0],
          ],
        },
      ],
    };
    const logSvg = phaseMapSvg(wide, wide.maps[0]);
    assert.match(logSvg, /\(log colour scale\)/);
    assert.deepEqual(ramp(logSvg), ["1.0e-8", "1.0e-6", "1.0e-4"], "the legend's middle is the geometric mean");
    assert.match(logSvg, />1\.0e-8</, "small values in exponent form");
  } finally {
    store.close();
  }
});
