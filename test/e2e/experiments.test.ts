/**
 * The other canned experiments, small versions (docs/experiments.md), and `shocklens experiment`:
 * the gauge attack moves raw observables by orders of magnitude and leaves quotient ones fixed;
 * under full-batch GD a larger step brings the raw sharpness × η/2 closer to 1; mean-field
 * particles condense in the quotient coordinates but not in θ-space.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { runEdgeOfStability } from "../../src/experiments/edgeOfStability.ts";
import { runMeanfieldCondensation } from "../../src/experiments/meanfieldCondensation.ts";
import { runCliInProcess } from "../cli/helpers.ts";
import { scratch, storeIn } from "../train/helpers.ts";

test("experiment gauge-attack --quick: raw λ_max moves > 1000× at range 100, quotient observables < 1e-12; JSON contract", async () => {
  const dir = scratch("shocklens-gauge-");
  const out = join(dir, "out");
  const r = await runCliInProcess([
    "experiment",
    "gauge-attack",
    "--quick",
    "--store",
    storeIn(dir),
    "--out",
    out,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.experiment, "gauge-attack");
  assert.ok(Array.isArray(j.runs) && j.runs.length === 2);
  assert.ok(Array.isArray(j.transitions));
  const last = j.summary.atLargestRange;
  assert.equal(last.range, 100);
  assert.ok(last.rawRatio.sharpness > 1000 || last.rawRatio.sharpness < 1e-3, `raw λ_max ×${last.rawRatio.sharpness}`);
  assert.ok(last.rawRatio.paramNorm > 10, `‖θ‖ ×${last.rawRatio.paramNorm}`);
  assert.ok(last.largestQuotientRelChange < 1e-12, `quotient change ${last.largestQuotientRelChange}`);
  assert.ok(existsSync(join(out, "gauge-attack.svg")));
  assert.equal(JSON.parse(readFileSync(join(out, "gauge-attack-summary.json"), "utf8")).experiment, "gauge-attack");
  const store = SqliteRunStore.open(storeIn(dir));
  assert.equal(store.events(j.runs[1], { kind: "gauge_attack" }).length, 3);
  store.close();
});

test("experiment: an unknown name exits 2 with one line", async () => {
  const r = await runCliInProcess(["experiment", "grokkking", "--store", join(scratch(), "x.db")]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    new RegExp(
      '^shocklens: experiment: unknown experiment "grokkking" ' +
        "\\(expected grokking, gauge-attack, meanfield-condensation, edge-of-stability\\)\n$",
    ),
  );
});

test("edge of stability (quick): raw sharpness × η/2 rises with η, stays below ~1; quotient sharpness beside it", async () => {
  const store = SqliteRunStore.open(storeIn(scratch("shocklens-eos-")));
  const r = await runEdgeOfStability({ store, quick: true });
  const runs = r.summary.runs as {
    lr: number;
    raw: { lateMean: number; max: number };
    quotient: { lateMean: number };
  }[];
  assert.equal(runs.length, 2);
  const [small, large] = runs;
  assert.ok(large.raw.lateMean > 2 * small.raw.lateMean, `η=0.1: ${small.raw.lateMean}, η=0.3: ${large.raw.lateMean}`);
  assert.ok(large.raw.max < 1.3, `max ${large.raw.max}`);
  for (const x of runs) assert.ok(Number.isFinite(x.quotient.lateMean) && x.quotient.lateMean > 0);
  store.close();
});

test("mean-field condensation (quick): fewer effective atoms and quotient clusters; θ-space particles stay apart", async () => {
  const store = SqliteRunStore.open(storeIn(scratch("shocklens-mf-")));
  const r = await runMeanfieldCondensation({ store, quick: true });
  const snaps = Object.values(
    r.summary.snapshots as Record<string, { atoms: number; quotientClusters: number; rawClusters: number }[]>,
  )[0];
  const [first, last] = [snaps[0], snaps[snaps.length - 1]];
  assert.ok(last.atoms < 0.5 * first.atoms, `atoms ${first.atoms} → ${last.atoms}`);
  assert.ok(
    last.quotientClusters < first.quotientClusters,
    `quotient clusters ${first.quotientClusters} → ${last.quotientClusters}`,
  );
  assert.ok(last.rawClusters >= 0.9 * first.rawClusters, `raw clusters ${first.rawClusters} → ${last.rawClusters}`);
  assert.equal(store.events(r.runs[0], { kind: "condensation" }).length, 1);
  store.close();
});
