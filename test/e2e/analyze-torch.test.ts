/**
 * `shocklens analyze` on a checkpoint series written by real PyTorch (docs/monitor.md §analyze):
 * float64 full-batch SGD from the same initial weights on the same data gives the same observables
 * as the checkpoints of the same run trained by shocklens. Skipped, with the reason, where
 * /usr/bin/python3 cannot import torch (Debian: python3-torch).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess, tempDir } from "../cli/helpers.ts";
import { setup } from "../monitor/helpers.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("../fixtures/monitor/torch_checkpoints.py", import.meta.url).pathname;
const torchMissing = (() => {
  const r = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0 ? null : `PyTorch is not importable by ${PYTHON} (install Debian's python3-torch)`;
})();

test(
  "analyze: a PyTorch checkpoint series gives the observables of the same run trained by shocklens",
  { skip: torchMissing ?? false },
  async () => {
    const dir = tempDir("shocklens-analyze-");
    const { runDir } = await setup(dir);
    const torchDir = join(dir, "torch");
    mkdirSync(torchDir);
    const py = spawnSync(
      PYTHON,
      [
        SCRIPT,
        join(dir, "model.json"),
        join(dir, "init.safetensors"),
        join(dir, "data.safetensors"),
        "0.2",
        "30",
        "10",
        torchDir,
      ],
      { encoding: "utf8" },
    );
    assert.equal(py.status, 0, py.stderr);
    const analyze = async (glob: string) => {
      const r = await runCliInProcess([
        "analyze",
        "--model",
        join(dir, "model.json"),
        "--checkpoints",
        glob,
        "--data",
        join(dir, "data.safetensors"),
        "--lr",
        "0.2",
        "--store",
        join(dir, "analyze.db"),
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const fromTorch = await analyze(join(torchDir, "torch-step-*.safetensors"));
    const fromShocklens = await analyze(join(runDir, "checkpoint-*.safetensors"));
    assert.deepEqual(fromTorch.steps, [10, 20, 30]);
    assert.deepEqual(fromShocklens.steps, [10, 20, 30]);
    for (const name of ["loss", "paramNorm", "gradNorm", "orbitMinSqNorm", "horizontalGradNorm", "sharpness", "tStar"])
      assert.ok(name in fromTorch.observables, `${name} measured`);
    assert.equal(fromTorch.kinds.loss, "quotient");
    assert.equal(fromTorch.kinds.paramNorm, "raw");
    assert.equal(fromTorch.kinds.orbitMinSqNorm, "quotient");
    assert.equal(fromTorch.kinds.horizontalGradNorm, "quotient");
    // The largest difference, relative to max(1, |value|), over every observable and step.
    let worst = { d: 0, where: "" };
    for (const [name, values] of Object.entries(fromTorch.observables as Record<string, (number | null)[]>)) {
      const other = fromShocklens.observables[name] as (number | null)[];
      values.forEach((v, i) => {
        const w = other[i];
        if (v === null || w === null) return assert.equal(v, w, `${name}[${i}]`);
        const d = Math.abs(v - w) / Math.max(1, Math.abs(v));
        if (d > worst.d) worst = { d, where: `${name} at step ${fromTorch.steps[i]}: torch ${v}, shocklens ${w}` };
      });
    }
    assert.ok(worst.d <= 1e-12, `largest difference ${worst.d}: ${worst.where}`);
    // The loss falls along the run, in both.
    assert.ok(fromTorch.observables.loss[2] < fromTorch.observables.loss[0]);
  },
);
