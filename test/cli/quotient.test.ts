/**
 * `shocklens quotient` end to end on a small transformer: the --json object, the canonical and
 * gauge-transformed weight files (same names, same function, quotient observables unchanged), and
 * one-line exit-2 errors for bad usage.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { key, split, normal, randint } from "../../src/core/random.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { saveTree, loadWeights } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { mapTree } from "../../src/core/tree.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { runCliInProcess, runCliJson, tempDir, expectUsageError } from "./helpers.ts";

const dir = tempDir();
const p = (f: string) => join(dir, f);
const rawCfg = {
  arch: "transformer",
  vocab: 5,
  seq: 4,
  d: 4,
  heads: 2,
  dHead: 2,
  layers: 1,
  mlp: 6,
  norm: "layernorm",
  activation: "relu",
};
const cfg = parseModelConfig(rawCfg);
const model = modelOf(cfg);
const [kp, kn, kx, ky] = split(key(17), 4);
const params = mapTree(
  model.init(kp),
  (t, n) =>
    new Tensor(
      t.data.map((v, i) => v + 0.3 * normal([kn[0], n.length], t.shape).data[i]),
      t.shape,
    ),
);
writeFileSync(p("model.json"), JSON.stringify(rawCfg));
saveTree(p("w.safetensors"), params);
writeSafetensors(p("data.safetensors"), {
  x: { dtype: "I64", shape: [6, 4], data: BigInt64Array.from(Array.from(randint(kx, 24, 0, 5), BigInt)) },
  y: { dtype: "I64", shape: [6], data: BigInt64Array.from(Array.from(randint(ky, 6, 0, 5), BigInt)) },
});
writeFileSync(p("mlp.json"), JSON.stringify({ arch: "mlp", sizes: [2, 3, 1] }));
const base = ["quotient", "--model", p("model.json"), "--weights", p("w.safetensors")];

/** The parsed --json object of the command with these arguments. */
const json = (args: string[]) => runCliJson([...args, "--json"]);

test("quotient --json: group, raw/quotient observables and charges; --canonical and --gauge write loadable weights", async () => {
  const a = await json([
    ...base,
    "--data",
    p("data.safetensors"),
    "--hessian-steps",
    "10",
    "--canonical",
    p("c.safetensors"),
    "--gauge",
    "3",
    "--out",
    p("g.safetensors"),
  ]);
  assert.equal(a.group.dim, 4 + 16 + 4 + 6 + 4);
  assert.match(a.group.name, /transformer/);
  for (const k of ["paramNorm", "layerNorms", "gradNorm", "hessian"]) assert.ok(k in a.observables.raw, k);
  for (const k of ["loss", "orbitMinSqNorm", "nuclearNorms", "horizontalGradNorm", "quotientHessian", "tStar"])
    assert.ok(k in a.observables.quotient, k);
  assert.ok(Array.isArray(a.charges["blocks.0.attn.qk"]) && a.charges["blocks.0.attn.qk"].length === 2);
  assert.ok(a.symmetryBreaking.residualScale.relLossChange.length === 4);
  assert.ok(a.gauge.paramNormRatio > 1);
  // The gauge-transformed weights: same loss and quotient observables, different raw ones.
  const g = await json([
    "quotient",
    "--model",
    p("model.json"),
    "--weights",
    p("g.safetensors"),
    "--data",
    p("data.safetensors"),
    "--hessian-steps",
    "10",
  ]);
  assert.ok(Math.abs(g.loss - a.loss) <= 1e-12 * a.loss, `loss ${g.loss} vs ${a.loss}`);
  assert.ok(
    Math.abs(g.observables.quotient.orbitMinSqNorm - a.observables.quotient.orbitMinSqNorm) <
      1e-10 * a.observables.quotient.orbitMinSqNorm,
  );
  assert.ok(
    Math.abs(g.observables.quotient.quotientHessian.lambdaMin - a.observables.quotient.quotientHessian.lambdaMin) <
      1e-8 * Math.abs(a.observables.quotient.quotientHessian.lambdaMin),
    `${g.observables.quotient.quotientHessian.lambdaMin} vs ${a.observables.quotient.quotientHessian.lambdaMin}`,
  );
  assert.ok(
    Math.abs(g.observables.raw.paramNorm / a.observables.raw.paramNorm - a.gauge.paramNormRatio) <
      1e-12 * a.gauge.paramNormRatio,
  );
  // The canonical weights load with the model's names and have the orbit-minimal norm.
  const c = await json(["quotient", "--model", p("model.json"), "--weights", p("c.safetensors")]);
  assert.ok(
    Math.abs(c.observables.raw.paramSqNorm - a.observables.quotient.orbitMinSqNorm) <
      1e-10 * c.observables.raw.paramSqNorm,
  );
  assert.ok(loadWeights(p("c.safetensors"), model));
});

test("quotient without --data reports the parameter observables only; without --json a readable summary", async () => {
  const a = await json(base);
  assert.ok(!("gradNorm" in a.observables.raw) && !("loss" in a));
  const r = await runCliInProcess(base);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^group\s+transformer/m);
  assert.match(r.stdout, /quotient observables/);
});

test("quotient: exit 2 with one line for bad usage and mismatched files", async () => {
  await expectUsageError([...base, "--gauge", "3"], /--gauge needs --out/);
  await expectUsageError([...base, "--out", p("x.safetensors")], /--out is only used with --gauge/);
  await expectUsageError([...base, "--gauge", "-1", "--out", p("x.safetensors")], /--gauge: expected an integer >= 0/);
  await expectUsageError(
    [...base, "--gauge", "1", "--gauge-range", "0.5", "--out", p("x.safetensors")],
    /--gauge-range/,
  );
  await expectUsageError(
    ["quotient", "--model", p("mlp.json"), "--weights", p("w.safetensors")],
    /do not match the mlp config/,
  );
  await expectUsageError([...base, "--loss", "mse"], /--loss needs --data/);
  await expectUsageError(
    [...base, "--data", p("data.safetensors"), "--loss", "hinge"],
    /--loss: expected one of mse, xent, got "hinge"/,
  );
  await expectUsageError(
    ["quotient", "--model", p("model.json"), "--weights", p("missing.safetensors")],
    /missing\.safetensors/,
  );
});
