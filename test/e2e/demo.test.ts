/**
 * `shocklens demo` end to end: a short run in-process (the finished run in the store and the gauge
 * table's invariants), the full demo as a user starts it, in a fresh process from an empty directory
 * with no arguments (≥ 95 % test accuracy, where to look, the store in ./shocklens.db), and its one
 * option check.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess, tempDir } from "../cli/helpers.ts";

const BIN = new URL("../../src/cli/bin.ts", import.meta.url).pathname;

/**
 * The CLI started from another working directory (tsx located from here, not from that directory).
 * The full demo needs ~20 s of CPU; the generous timeout leaves room for a heavily shared machine.
 */
function cliIn(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string; why: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.SHOCKLENS_STORE;
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), BIN, ...args], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 600_000,
  });
  const why = `exit ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ""}: ${r.stderr}${r.stdout}`;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, why };
}

test("demo --steps N --json: a finished run in the given store", async () => {
  const store = join(tempDir(), "demo.db");
  const r = await runCliInProcess(["demo", "--steps", "30", "--store", store, "--json", "--no-report"], {
    env: { SHOCKLENS_PROGRESS_EVERY: "0" },
  });
  assert.equal(r.code, 0, r.stderr);
  // Never silent after training: the gauge attack's Hessian spectra report their progress.
  assert.match(r.stderr, /shocklens demo: gauge attack \(Hessian spectra\): done, 120 HVPs in \d+ s\n/);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, "FINISHED");
  assert.equal(out.step, 30);
  assert.equal(out.name, "demo-mnist-mlp");
  assert.ok(out.metrics["test/accuracy"] > 0.5, JSON.stringify(out.metrics));
  const show = JSON.parse((await runCliInProcess(["runs", "show", out.run, "--store", store, "--json"])).stdout);
  assert.equal(show.run.experiment, "demo");
  // The symmetry-corrected view: a gauge transformation keeps the loss and every quotient
  // observable, and moves the raw parameter norm.
  const rows = new Map<string, { trained: number; gauged: number }>(
    out.gauge.rows.map((r: { name: string; trained: number; gauged: number }) => [r.name, r]),
  );
  assert.equal(out.gauge.groupDim, 128);
  const same = (name: string) => {
    const r = rows.get(name)!;
    assert.ok(Math.abs(r.trained - r.gauged) <= 1e-9 * Math.abs(r.trained), `${name}: ${r.trained} vs ${r.gauged}`);
  };
  for (const name of [
    "quotient.loss",
    "quotient.orbitMinSqNorm",
    "quotient.horizontalGradNorm",
    "quotient.quotientHessian.lambdaMin",
  ])
    same(name);
  const raw = rows.get("raw.paramSqNorm")!;
  assert.ok(raw.gauged > 10 * raw.trained, `raw norm should move: ${raw.trained} → ${raw.gauged}`);
});

test("the full demo from a bare directory: ≥ 95 %, the gauge table, the report and its five-line summary", async () => {
  const cwd = tempDir();
  const r = cliIn(cwd, ["demo", "--quiet"]);
  assert.equal(r.code, 0, r.why);
  assert.match(r.stdout, /Symmetry-corrected view/);
  const acc = Number(/test accuracy {2}([\d.]+) %/.exec(r.stdout)?.[1]);
  assert.ok(acc >= 95, r.stdout);
  const id = /run {12}([0-9a-f]{12}) \(FINISHED\)/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  assert.match(r.stdout, /store {10}\.\/shocklens\.db\n/);
  assert.match(r.stdout, new RegExp(`shocklens runs show ${id} +config`));
  const show = await runCliInProcess(["runs", "show", id as string, "--json"], {
    cwd,
    env: { SHOCKLENS_STORE: undefined },
  });
  assert.equal(JSON.parse(show.stdout).run.status, "FINISHED");
  // the report: a self-contained file in the working folder, and the five summary lines
  const path = /Report: (.+\.html)\n/.exec(r.stdout)?.[1];
  assert.ok(path && existsSync(path), r.stdout);
  assert.equal(path, join(realpathSync(cwd), `report-${id}.html`));
  const html = readFileSync(path, "utf8");
  assert.ok(!/(src|href)="https?:/.test(html), "the report loads nothing from the network");
  for (const id of ["hessian-spectra", "slice-u", "slice-p", "slice-xt"])
    assert.ok(html.includes(`<figure id="${id}"`), id);
  const summary = r.stdout.slice(r.stdout.indexOf("Report:")).split("\n").slice(2, 7);
  assert.deepEqual(
    summary.map((l) => l.trim().split(/ {2,}/)[0]),
    ["accuracy", "gauge attack", "HJ / Burgers", "gradient field", "transitions"],
  );
  assert.match(summary[3], /induced-metric curl (not )?detected \(p = /, "the gradient-field check ran");
  assert.match(summary[4], /the monitor logged \d+ change points?/);
  assert.ok(html.includes(`id="observables"`), "raw vs quotient section");
  assert.doesNotMatch(html, /This run logged no monitor observables/);
  assert.doesNotMatch(html, /No verify result for this run/);
  const orders = /residual orders ([\d.]+) \/ ([\d.]+)/.exec(r.stdout);
  assert.ok(orders && Math.abs(Number(orders[1]) - 2) < 0.3 && Math.abs(Number(orders[2]) - 2) < 0.3, r.stdout);
});

test("--steps must be a positive integer", async () => {
  const r = await runCliInProcess(["demo", "--steps", "0", "--store", join(tempDir(), "x.db")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^shocklens: --steps: expected an integer >= 1, got 0\n$/);
});
