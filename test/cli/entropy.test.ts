/** `shocklens entropy` end to end: the JSON summary, slices, agreement of methods, and exit-2 errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../../src/core/tensor.ts";
import { key, split, normal } from "../../src/core/random.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { saveTree } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { mapTree, ravel } from "../../src/core/tree.ts";
import { localEntropy, modelObjective } from "../../src/coarse/index.ts";
import { runCliInProcess, runCliJson, tempDir, expectUsageError } from "./helpers.ts";

const dir = tempDir();
const p = (f: string) => join(dir, f);
const rawCfg = { arch: "mlp", sizes: [2, 3, 1], activation: "tanh" };
const model = modelOf(parseModelConfig(rawCfg));
const [kp, kx, kd] = split(key(5), 3);
const params = model.init(kp);
const x = normal(kx, [12, 2]);
const y = new Tensor(
  Float64Array.from({ length: 12 }, (_, i) => Math.sin(x.data[2 * i]) - 0.3 * x.data[2 * i + 1]),
  [12, 1],
);
writeFileSync(p("model.json"), JSON.stringify(rawCfg));
saveTree(p("w.safetensors"), params);
saveTree(
  p("d.safetensors"),
  mapTree(params, (t, n) => normal([kd[0], n.length], t.shape)),
);
writeSafetensors(p("data.safetensors"), {
  x: { dtype: "F64", shape: [12, 2], data: x.data },
  y: { dtype: "F64", shape: [12, 1], data: y.data },
});
/** The command and its three files; `withT` adds t and β. */
const files = ["entropy", "--model", p("model.json"), "--weights", p("w.safetensors"), "--data", p("data.safetensors")];
const withT = (t: string, beta = "6") => [...files, "--t", t, "--beta", beta];
const base = withT("0.4");

/** The parsed --json object of `entropy` with these options. */
const json = (args: string[]) => runCliJson([...base, ...args, "--json"]);

test("entropy --method importance --json: the contract's fields, equal to the library call with the same seed", async () => {
  const s = await json(["--method", "importance", "--samples", "4096", "--seed", "3"]);
  for (const k of ["u", "gradNorm", "stderr", "ess", "method", "t", "beta", "nu"]) assert.ok(k in s, `missing ${k}`);
  assert.equal(s.method, "importance");
  assert.equal(s.nu, 1 / 12);
  assert.equal(s.scope, "full");
  assert.equal(s.params, 13);
  const lib = localEntropy(modelObjective(model, params, x, y, "mse"), ravel(params), {
    method: "importance",
    t: 0.4,
    beta: 6,
    samples: 4096,
    key: key(3),
  });
  assert.equal(s.u, lib.u);
  assert.equal(s.gradNorm, lib.gradNorm);
  assert.ok(s.ess > 100 && s.stderr > 0 && s.stderr < 0.01);
});

test("on the same random 1-D slice, quadrature, importance and sgld agree within 3 combined standard errors", async () => {
  const common = ["--slice", "random", "--seed", "9"];
  const q = await json(["--method", "quadrature", ...common]);
  const i = await json(["--method", "importance", "--samples", "8192", ...common]);
  const s = await json(["--method", "sgld", "--samples", "600", ...common]);
  assert.equal(q.scope, "slice");
  assert.deepEqual(q.slice, { kind: "random", dim: 1 });
  assert.equal(q.errorKind, "discretisation");
  assert.equal(q.ess, null);
  for (const [a, b] of [
    [q, i],
    [q, s],
    [i, s],
  ]) {
    const se = Math.hypot(a.stderr, b.stderr);
    assert.ok(Math.abs(a.u - b.u) <= 3 * se + 1e-12, `${a.method} ${a.u} vs ${b.method} ${b.u} (se ${se})`);
    const seg = Math.hypot(a.gradNormStderr, b.gradNormStderr);
    assert.ok(
      Math.abs(a.gradNorm - b.gradNorm) <= 3 * seg + 1e-12,
      `|∇u| ${a.method} ${a.gradNorm} vs ${b.method} ${b.gradNorm}`,
    );
  }
});

test("--slice hessian --slice-dim 2 (quadrature on the top-curvature plane); --slice FILE with text output", async () => {
  const h = await json(["--method", "quadrature", "--slice", "hessian", "--slice-dim", "2"]);
  assert.equal(h.slice.dim, 2);
  assert.equal(h.slice.curvature.length, 2);
  assert.ok(h.slice.curvature[0] >= h.slice.curvature[1]);
  assert.ok(h.stderr < 1e-8 && Number.isFinite(h.u));
  const r = await runCliInProcess([...base, "--method", "quadrature", "--slice", p("d.safetensors")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^u\s+-?\d.* ± .*\(discretisation\)$/m);
  assert.match(r.stdout, /on a 1-D files slice/);
});

test("bad input: exit code 2 with a one-line message", async () => {
  await expectUsageError([...withT("0"), "--method", "importance"], /--t: expected a number > 0, got 0/);
  await expectUsageError([...withT("0.4", "0"), "--method", "importance"], /--beta: expected a number > 0, got 0/);
  await expectUsageError(
    [...base, "--method", "langevin"],
    /--method: expected one of sgld, importance, quadrature, got "langevin"/,
  );
  await expectUsageError(
    [...base, "--method", "quadrature"],
    /--method quadrature: the model has 13 parameters; .*--slice/,
  );
  await expectUsageError(
    [...base, "--method", "importance", "--slice", "random", "--slice-dim", "3"],
    /--slice-dim: expected an integer in \[1, 2\], got 3/,
  );
  await expectUsageError([...base, "--method", "importance", "--stderr", "0"], /--stderr: expected a number > 0/);
});
