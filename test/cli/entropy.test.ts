/**
 * `shocklens entropy` end to end, run in-process: the JSON summary and which estimator answered,
 * method auto as the default, honest-or-absent error bars (docs/local-entropy.md §reliability),
 * --stderr exiting 1 when the answer cannot be certified, warnings once per line, slices, and
 * exit-2 errors.
 */
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
import { linearRegression } from "./linearRegression.ts";
import { gemmThreads, setGemmThreads } from "../../src/core/backends/gemm/index.ts";

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

/** The parsed --json object of the command with these arguments. */
const json = (args: string[]) => runCliJson([...args, "--json"]);

/**
 * The regression problem of the old failure: a 4-parameter linear regression (3 weights + bias,
 * mse on 32 points, exactly quadratic, so docs/theory.md §C1 gives u in closed form) away from its minimum, at
 * β = 30, t = 0.3. Kernel importance sampling reaches ESS ≈ 2 of 1024 there; it used to report a
 * stderr about 100× smaller than its actual error.
 */
const lin = linearRegression(dir, "lin", 3);
const linArgsAt = ["entropy", ...lin.args, "--t", "0.3", "--beta", "30"];
const uExact = lin.u(0.3, 30);
const gradNormExact = lin.gradNorm(0.3);

test("old failure (ESS ≈ 2): --method importance now reports stderr null with the reason, and --stderr exits 1", async () => {
  const s = await json([...linArgsAt, "--method", "importance"]);
  assert.equal(s.estimator, "importance (kernel proposal)");
  assert.ok(s.ess < 5, `ESS ${s.ess}`);
  assert.equal(s.stderr, null);
  assert.equal(s.gradNormStderr, null);
  assert.equal(s.reliability.certified, false);
  assert.match(s.reliability.reason, /ESS = .* < 100/);
  assert.match(s.reliability.reason, /Pareto k̂ = .* > 0\.7/);
  // the estimate really is far off: a confident error bar would have been a lie
  assert.ok(Math.abs(s.u - uExact) > 0.1, `u ${s.u} vs exact ${uExact}`);
  const r = await runCliInProcess([...linArgsAt, "--method", "importance", "--stderr", "0.01", "--json"]);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).stderr, null, "the answer is still printed");
  assert.match(r.stderr, /^shocklens: error: --stderr 0\.01: the error of u cannot be certified \(ESS/);
});

test("old failure: the default (auto) is Laplace importance sampling, within 4 stderr of theory §C1, and says why", async () => {
  const s = await json(linArgsAt);
  assert.equal(s.method, "importance");
  assert.equal(s.estimator, "importance (laplace proposal)");
  assert.equal(s.auto.chosen, "importance");
  assert.match(s.auto.reason, /β·t·\|∇f\|² = 215/);
  assert.ok(s.reliability.certified, s.reliability.reason);
  assert.ok(Math.abs(s.u - uExact) <= 4 * s.stderr + 1e-12, `u ${s.u} ± ${s.stderr} vs ${uExact}`);
  assert.ok(Math.abs(s.gradNorm - gradNormExact) <= 4 * s.gradNormStderr + 1e-12);
  const ok = await runCliInProcess([...linArgsAt, "--stderr", "1e-6", "--json"]);
  assert.equal(ok.code, 0, ok.stderr);
});

test("--method importance --json: the contract's fields, equal to the library call with the same seed", async () => {
  const s = await json([...base, "--method", "importance", "--samples", "4096", "--seed", "3"]);
  for (const k of ["u", "gradNorm", "stderr", "ess", "method", "t", "beta", "nu", "estimator", "reliability"])
    assert.ok(k in s, `missing ${k}`);
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
  assert.equal(s.stderr, lib.stderr);
  assert.equal(s.reliability.certified, lib.reliability.certified);
  assert.ok(s.ess > 100);
  // the kernel's weights here: certified, or withdrawn for a reason the JSON names
  if (!s.reliability.certified) assert.match(s.reliability.reason, /tail index|k̂|ESS/);
  const l = await json([...base, "--method", "importance", "--proposal", "laplace"]);
  assert.equal(l.estimator, "importance (laplace proposal)");
  assert.ok(l.reliability.certified && l.stderr > 0 && l.stderr < 0.01, l.reliability.reason);
  const scale = Math.hypot(l.stderr, s.stderr ?? lib.reliability.nominal?.stderr ?? 0);
  assert.ok(Math.abs(l.u - (s.u as number)) <= 4 * scale, `laplace ${l.u} vs kernel ${s.u}`);
});

test("on the same random 1-D slice, quadrature, importance, smc, sgld and auto agree within 4 combined standard errors", async () => {
  const common = ["--slice", "random", "--seed", "9"];
  const q = await json([...base, "--method", "quadrature", ...common]);
  const i = await json([...base, "--method", "importance", "--samples", "8192", ...common]);
  const s = await json([...base, "--method", "sgld", "--samples", "600", ...common]);
  const m = await json([...base, "--method", "smc", ...common]);
  const a = await json([...base, ...common]);
  assert.equal(q.scope, "slice");
  assert.deepEqual(q.slice, { kind: "random", dim: 1 });
  assert.equal(q.errorKind, "discretisation");
  assert.equal(q.ess, null);
  assert.equal(a.estimator, "quadrature (1-D trapezoid)", "auto integrates a 1-D slice by quadrature");
  assert.match(a.auto.reason, /n = 1 ≤ 2/);
  for (const [u, v] of [
    [q, i],
    [q, s],
    [q, m],
    [i, s],
    [i, m],
  ]) {
    const se = Math.hypot(u.stderr, v.stderr);
    // 4, not 3: smc's errors come from 8 replicates, so its z-scores have Student-t (7 d.o.f.) tails
    assert.ok(Math.abs(u.u - v.u) <= 4 * se + 1e-12, `${u.method} ${u.u} vs ${v.method} ${v.u} (se ${se})`);
    const seg = Math.hypot(u.gradNormStderr, v.gradNormStderr);
    assert.ok(Math.abs(u.gradNorm - v.gradNorm) <= 4 * seg + 1e-12, `|∇u| ${u.method} ${u.gradNorm} vs ${v.method}`);
  }
});

test("--slice hessian --slice-dim 2 (quadrature on the top-curvature plane); --slice FILE with text output", async () => {
  const h = await json([...base, "--method", "quadrature", "--slice", "hessian", "--slice-dim", "2"]);
  assert.equal(h.slice.dim, 2);
  assert.equal(h.slice.curvature.length, 2);
  assert.ok(h.slice.curvature[0] >= h.slice.curvature[1]);
  assert.ok(h.stderr < 1e-8 && Number.isFinite(h.u));
  const r = await runCliInProcess([...base, "--method", "quadrature", "--slice", p("d.safetensors")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^u\s+-?\d.* ± .*\(discretisation\)$/m);
  assert.match(r.stdout, /on a 1-D files slice/);
  assert.match(r.stdout, /^errors\s+certified/m);
});

test("text output: withdrawn errors read n/a with the reason on one line; each warning once, on its own line", async () => {
  const r = await runCliInProcess([...linArgsAt, "--method", "importance"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^u\s+\S+ ± n\/a \(statistical\)$/m);
  assert.match(r.stdout, /^errors\s+withdrawn: ESS = .*$/m);
  assert.equal(r.stdout.match(/ESS = /g)?.length, 1, "the reason is printed once");
  assert.equal(r.stderr, "", "the withdrawal is not repeated as a warning");
  // a warning: quadrature capped below its tolerance; then --stderr fails
  const w = await runCliInProcess([
    ...base,
    "--method",
    "quadrature",
    "--slice",
    "random",
    "--samples",
    "20",
    "--stderr",
    "1e-14",
  ]);
  assert.equal(w.code, 1);
  const lines = w.stderr.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 2, w.stderr);
  assert.match(lines[0], /^shocklens: warning: quadrature: error estimate .* at the cap/);
  assert.match(lines[1], /^shocklens: error: --stderr 1e-14: not reached/);
  assert.ok(w.stdout.endsWith("\n") && w.stderr.endsWith("\n"));
});

test("bad input: exit code 2 with a one-line message", async () => {
  await expectUsageError([...withT("0"), "--method", "importance"], /--t: expected a number > 0, got 0/);
  await expectUsageError([...withT("0.4", "0"), "--method", "importance"], /--beta: expected a number > 0, got 0/);
  await expectUsageError(
    [...base, "--method", "langevin"],
    /--method: expected one of auto, importance, smc, sgld, quadrature, got "langevin"/,
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
  await expectUsageError(
    [...base, "--method", "sgld", "--proposal", "laplace"],
    /--proposal: only with --method importance/,
  );
  await expectUsageError(
    [...base, "--method", "importance", "--proposal", "gauss"],
    /--proposal: expected one of kernel, shifted, laplace, got "gauss"/,
  );
  await expectUsageError(
    [...base, "--method", "smc", "--particles", "8"],
    /--particles: expected an integer >= 16, got 8/,
  );
  await expectUsageError(
    [...base, "--cross-check", "sometimes"],
    /--cross-check: expected one of auto, always, never, got "sometimes"/,
  );
  await expectUsageError([...base, "--method", "smc", "--samples", "100"], /--samples: only with --method/);
});

test("--method sgld and smc at SHOCKLENS_THREADS=2 print what one thread prints (docs/local-entropy.md §threads)", async () => {
  const before = gemmThreads();
  try {
    for (const [method, size] of [
      ["sgld", ["--samples", "20"]],
      ["smc", ["--particles", "32"]],
    ] as const) {
      const args = [...base, "--method", method, ...size, "--seed", "3"];
      setGemmThreads(1);
      const one = await json(args);
      setGemmThreads(2);
      const two = await json(args);
      assert.equal(one.method, method);
      assert.deepStrictEqual(two, one, method);
    }
  } finally {
    setGemmThreads(before);
  }
});
