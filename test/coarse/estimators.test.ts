/**
 * Properties of the individual estimators: calibrated standard errors (z-scores over seeds),
 * the O(η) bias of unadjusted Langevin that MALA removes, adaptive sample counts, ESS and R̂
 * warnings, the shifted proposal, kinked losses (closed form docs/theory.md §C7 with its O(h²) quadrature), the
 * adaptive quadrature window, and sgld without thermodynamic integration.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { logNdtr } from "../../src/core/special.ts";
import { quadraticSolution } from "../../src/pde/exact/quadratic.ts";
import { localEntropy, quadraticObjective, type Objective } from "../../src/coarse/index.ts";
import { assertWithin, certified } from "./helpers.ts";

const A = [[1.5]];
const b = [0.4];
const c = -0.3;
const t = 0.6;
const beta = 3;
const quad = quadraticObjective(A, b, c);
const exact = quadraticSolution(A, b, c);
const x = Float64Array.of(0.7);
const uEx = exact.u([0.7], t, beta);
const pEx = exact.p([0.7], t)[0];

/**
 * Asserts that the z-scores (estimate − exact)/stderr of u and ∇u over `seeds` runs have a mean
 * square in (lo, hi): errors that are neither over- nor under-stated.
 */
function assertCalibrated(method: "importance" | "sgld", seeds: number, samples: number, lo: number, hi: number): void {
  const z: Record<"u" | "∇u", number[]> = { u: [], "∇u": [] };
  for (let seed = 0; seed < seeds; seed++) {
    const r = localEntropy(quad, x, { method, t, beta, seed, samples });
    const e = certified(r);
    z.u.push(((r.u as number) - uEx) / e.stderr);
    z["∇u"].push((r.grad[0] - pEx) / e.gradStderr[0]);
  }
  for (const [what, zs] of Object.entries(z)) {
    const ms = zs.reduce((s, v) => s + v * v, 0) / zs.length;
    assert.ok(ms > lo && ms < hi, `${what}: mean z² = ${ms}`);
  }
}

test("importance sampling: z-scores of u and ∇u over 40 seeds have mean square ≈ 1 (calibrated errors)", () => {
  // χ²₄₀/40 has sd 0.22: [0.45, 1.7] is a > 3-sd band; an over- or under-stated error falls outside
  assertCalibrated("importance", 40, 2048, 0.45, 1.7);
});

test("sgld (MALA + thermodynamic integration): z-scores over 12 seeds have mean square ≈ 1", () => {
  assertCalibrated("sgld", 12, 1000, 0.25, 2.5);
});

test("unadjusted Langevin (the plain Entropy-SGD loop) at a large step is biased: error bars withdrawn; MALA is not", () => {
  const opts = { method: "sgld", t, beta, seed: 4, samples: 2000, stepSize: 0.3 } as const;
  const ula = localEntropy(quad, x, { ...opts, adjust: false });
  const mala = localEntropy(quad, x, opts);
  assert.equal(ula.stderr, null);
  assert.equal(ula.gradStderr, null);
  assert.match(ula.reliability.reason ?? "", /ULA/);
  const nominal = ula.reliability.nominal?.stderr as number;
  assert.ok(
    Math.abs((ula.u as number) - uEx) > 5 * nominal,
    `ULA u ${ula.u} ± ${nominal} (nominal) vs ${uEx}: the O(η) bias should show`,
  );
  assert.equal(ula.warnings.filter((w) => /ULA/.test(w)).length, 1, "one warning, once");
  const e = certified(mala);
  assertWithin(mala.u as number, uEx, e.stderr, "MALA u");
  assertWithin(mala.grad[0], pEx, e.gradStderr[0], "MALA ∇u");
});

test("adaptive importance sampling doubles the samples until the target stderr, and warns at the cap", () => {
  const r = localEntropy(quad, x, { method: "importance", t, beta, seed: 2, samples: 256, stderr: 1e-3 });
  assert.ok((r.stderr as number) <= 1e-3 && r.samples > 256, `stderr ${r.stderr} after ${r.samples} samples`);
  assertWithin(r.u as number, uEx, r.stderr as number, "adaptive u");
  const capped = localEntropy(quad, x, {
    method: "importance",
    t,
    beta,
    seed: 2,
    samples: 256,
    stderr: 1e-6,
    maxSamples: 1024,
  });
  assert.equal(capped.samples, 1024);
  assert.ok(capped.warnings.some((w) => /target/.test(w)));
});

test("adaptive sgld reaches a target stderr", () => {
  const r = localEntropy(quad, x, { method: "sgld", t, beta, seed: 6, samples: 200, stderr: 4e-3 });
  assert.ok((r.stderr as number) <= 4e-3, `stderr ${r.stderr}`);
  assertWithin(r.u as number, uEx, r.stderr as number, "adaptive sgld u");
});

test("degenerate importance weights withdraw the error bars; the shifted proposal is exact for a linear loss", () => {
  const steep = quadraticObjective([[100]], [0], 0);
  const r = localEntropy(steep, Float64Array.of(1), { method: "importance", t: 2, beta: 10, seed: 1, samples: 1024 });
  assert.ok(
    r.warnings.some((w) => /ESS/.test(w)),
    r.warnings.join("; "),
  );
  assert.equal(r.stderr, null);
  assert.equal(r.gradNormStderr, null);
  assert.match(r.reliability.reason ?? "", /ESS = .* < 100/);
  assert.ok((r.reliability.checks.kHat as number) > 0.7, `k̂ ${r.reliability.checks.kHat}`);
  // f = 5y (docs/theory.md §C1 with A = 0): u = 5x − 25t/2, p = 5; kernel IS has log-weights with
  // variance (5βσ)² = 100
  const lin = quadraticObjective([[0]], [5], 0);
  const kernel = localEntropy(lin, Float64Array.of(0.2), {
    method: "importance",
    t: 1,
    beta: 4,
    seed: 1,
    samples: 1024,
  });
  const shifted = localEntropy(lin, Float64Array.of(0.2), {
    method: "importance",
    t: 1,
    beta: 4,
    seed: 1,
    samples: 1024,
    proposal: "shifted",
  });
  assert.ok((kernel.ess as number) < 20, `kernel ESS ${kernel.ess}`);
  assert.ok(Math.abs((shifted.ess as number) - 1024) < 1e-6, `shifted ESS ${shifted.ess}`);
  // constant weights: u is exact; ⟨y⟩ is still a Monte Carlo mean
  assert.ok(Math.abs((shifted.u as number) - (5 * 0.2 - 12.5)) < 1e-12, `shifted u ${shifted.u}`);
  assertWithin(shifted.grad[0], 5, certified(shifted).gradStderr[0], "shifted ∇u");
  // quadrature: the Gibbs mean sits 5 = 10σ away from x, outside the first window, which must grow
  const q = localEntropy(lin, Float64Array.of(0.2), { method: "quadrature", t: 1, beta: 4 });
  assert.ok(
    Math.abs((q.u as number) - (5 * 0.2 - 12.5)) < 1e-9 && Math.abs(q.grad[0] - 5) < 1e-9,
    `quadrature u ${q.u}, p ${q.grad[0]}`,
  );
});

/**
 * docs/theory.md §C7: f = u_L·y (y < 0), u_R·y (y > 0);
 * u = −β⁻¹ log[e^{−β(u_L x − u_L²t/2)}Φ((u_L t − x)/σ) + e^{−β(u_R x − u_R²t/2)}Φ((x − u_R t)/σ)].
 */
function riemann(uL: number, uR: number, xv: number, tt: number, bb: number): number {
  const s = Math.sqrt(tt / bb);
  const a = -bb * (uL * xv - (uL * uL * tt) / 2) + logNdtr((uL * tt - xv) / s);
  const c2 = -bb * (uR * xv - (uR * uR * tt) / 2) + logNdtr((xv - uR * tt) / s);
  const m = Math.max(a, c2);
  return -(m + Math.log(Math.exp(a - m) + Math.exp(c2 - m))) / bb;
}

test("kinked losses (docs/theory.md §C7): all three methods match the closed form; quadrature's error estimate holds at the kink", () => {
  for (const [uL, uR] of [
    [1, -1],
    [-1, 1],
  ]) {
    const f: Objective = {
      dim: 1,
      value: (y) => (y[0] < 0 ? uL : uR) * y[0],
      valueAndGrad: (y) => ({ value: (y[0] < 0 ? uL : uR) * y[0], grad: Float64Array.of(y[0] < 0 ? uL : uR) }),
    };
    for (const xv of [-0.3, 0.05, 0.4]) {
      const want = riemann(uL, uR, xv, 0.5, 5);
      for (const method of ["quadrature", "importance", "sgld"] as const) {
        const r = localEntropy(f, Float64Array.of(xv), {
          method,
          t: 0.5,
          beta: 5,
          seed: 9,
          samples: method === "importance" ? 4096 : 800,
          stderr: method === "quadrature" ? 1e-7 : undefined,
        } as never);
        assert.deepEqual(r.warnings, []);
        assertWithin(r.u as number, want, r.stderr as number, `C7 (${uL}, ${uR}) x = ${xv} ${method}`);
        if (method === "quadrature")
          assert.ok((r.stderr as number) <= 1e-7 && (r.stderr as number) > 0, `error estimate ${r.stderr}`);
      }
    }
  }
});

test("quadrature warns when the point cap stops refinement before the tolerance", () => {
  const kink: Objective = { dim: 1, value: (y) => Math.abs(y[0]) };
  const r = localEntropy(kink, Float64Array.of(0.1), {
    method: "quadrature",
    t: 0.5,
    beta: 5,
    stderr: 1e-15,
    maxPoints: 200,
  });
  assert.ok(
    r.warnings.some((w) => /cap/.test(w)),
    r.warnings.join("; "),
  );
  assert.ok((r.stderr as number) > 1e-15);
});

test("sgld without thermodynamic integration reports ∇u only (u = null with the reason)", () => {
  const r = localEntropy(quad, x, { method: "sgld", t, beta, seed: 5, samples: 1000, integrate: false });
  assert.equal(r.u, null);
  assert.equal(r.stderr, null);
  assert.match(r.uNote, /∇u only/);
  assert.ok(r.reliability.certified, r.reliability.reason ?? "");
  assertWithin(r.grad[0], pEx, (r.gradStderr as Float64Array)[0], "∇u");
});

test("sgld withdraws its error bars when chains disagree (a double well with a high barrier: R̂ ≫ 1)", () => {
  const well: Objective = {
    dim: 1,
    value: (y) => 4 * (y[0] * y[0] - 1) ** 2,
    valueAndGrad: (y) => ({ value: 4 * (y[0] * y[0] - 1) ** 2, grad: Float64Array.of(16 * y[0] * (y[0] * y[0] - 1)) }),
  };
  const r = localEntropy(well, Float64Array.of(0), {
    method: "sgld",
    t: 1,
    beta: 10,
    seed: 1,
    samples: 1000,
    integrate: false,
  });
  assert.ok(
    r.warnings.some((w) => /R̂/.test(w)),
    r.warnings.join("; "),
  );
  assert.equal(r.gradStderr, null);
  assert.ok((r.reliability.checks.rHat as number) > 1.05);
});
