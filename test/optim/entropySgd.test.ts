/**
 * Entropy-SGD against Chaudhari et al. (2017), Algorithm 1, on a quadratic f(y) = ½Σ aᵢyᵢ², where
 * the local-entropy gradient is known in closed form: the Gibbs measure ∝ exp(−β(f(y) + γ‖x−y‖²/2))
 * has mean ⟨y⟩ = γx/(a + γ) at every β, so ∇F_γ(x) = γ(x − ⟨y⟩) = γa x/(a + γ). Plus the torch
 * reference of docs/performance.md §sgld-inner.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { key } from "../../src/core/random.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { entropySgd, entropySgdInner } from "../../src/optim/entropySgd.ts";
import { type Tree, ravel, treeDot, zipTrees } from "../../src/core/tree.ts";
import * as W from "../../bench/workloads.ts";
import { assertAllClose, assertClose } from "../core/helpers.ts";
import { values, vec } from "./helpers.ts";

const a = [1, 4, 0.25];
const quadGrad = (y: Tree): Tree => vec(...values(y).map((v, i) => a[i % a.length] * v));

test("one outer step equals Algorithm 1 computed by hand (noise off)", () => {
  const x = [1, -2, 3];
  const [eta, etaIn, gamma, alpha, L] = [0.5, 0.05, 2, 0.75, 5];
  // Algorithm 1, element by element, with plain numbers.
  const y = [...x],
    mu = [...x];
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < 3; i++) {
      y[i] = y[i] - etaIn * (a[i] * y[i] + gamma * (y[i] - x[i]));
      mu[i] = (1 - alpha) * mu[i] + alpha * y[i];
    }
  }
  const want = x.map((v, i) => v - eta * gamma * (v - mu[i]));
  const opt = entropySgd({ innerLr: etaIn, innerSteps: L, gamma, alpha, beta: Infinity });
  const p = vec(...x);
  const r = opt.step(p, quadGrad(p), opt.init(p), { lr: eta, gradAt: quadGrad });
  assertAllClose(values(r.params), want, 1e-14, "x after one step");
  assert.equal(r.state.step, 1);
  assert.equal(opt.gradsPerStep, L);
});

test("with a long inner loop the step is x − η∇F_γ(x), ∇F_γ = γa x/(a + γ) (the published local-entropy gradient)", () => {
  const x = [1, -2, 3];
  const [eta, gamma] = [0.3, 2];
  const opt = entropySgd({ innerLr: 0.05, innerSteps: 600, gamma, alpha: 0.75, beta: Infinity });
  const p = vec(...x);
  const r = opt.step(p, quadGrad(p), opt.init(p), { lr: eta, gradAt: quadGrad });
  assertAllClose(
    values(r.params),
    x.map((v, i) => v - eta * ((gamma * a[i] * v) / (a[i] + gamma))),
    1e-12,
    "x′",
  );
});

test("γ-scoping: step t couples with γ₀(1 + γ₁)^t", () => {
  // With L = 1: y₁ = x − η′a x, μ = x − αη′a x, so x′ − x = −ηγ_t α η′ a x: linear in γ_t.
  const [g0, g1, eta, etaIn, alpha] = [0.03, 0.1, 1, 0.1, 0.75];
  const opt = entropySgd({ innerLr: etaIn, innerSteps: 1, gamma: g0, gammaScoping: g1, alpha, beta: Infinity });
  const p = vec(2);
  for (const t of [0, 7]) {
    const r = opt.step(p, quadGrad(p), { step: t }, { lr: eta });
    const gammaT = g0 * Math.pow(1 + g1, t);
    assertClose(values(r.params)[0] - 2, -eta * gammaT * alpha * etaIn * a[0] * 2, 1e-12, `t = ${t}`);
  }
});

test("with noise, the inner chain samples the Gibbs measure: mean γx/(a+γ), variance of the discretised Langevin chain", () => {
  // n chains, curvature A, coupling γ, anchor x, inverse temperature β, inner step h
  const [n, A, gamma, x, beta, h] = [2000, 1, 1, 2, 1e3, 0.1];
  const grad = (y: Tree): Tree => vec(...values(y).map((v) => A * v));
  const p = vec(...new Array(n).fill(x));
  const { y, mu } = entropySgdInner(
    p,
    grad(p),
    grad,
    key(3),
    { innerLr: h, innerSteps: 300, gamma, gammaScoping: 0, alpha: 0.05, beta },
    gamma,
  );
  const ys = values(y),
    mus = values(mu);
  const target = (gamma * x) / (A + gamma);
  const k = A + gamma;
  // Stationary variance of y ← y − hk(y − y*) + √(2h/β)ξ: (2h/β)/(1 − (1 − hk)²).
  const v = (2 * h) / beta / (1 - (1 - h * k) ** 2);
  const m = (s: number[]) => s.reduce((t, u) => t + u, 0) / s.length;
  const yMean = m(ys);
  const yVar = ys.reduce((t, u) => t + (u - yMean) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(m(mus) - target) < 5 * Math.sqrt(v / n), `⟨μ⟩ = ${m(mus)}, want ${target}`);
  assert.ok(Math.abs(yMean - target) < 5 * Math.sqrt(v / n), `⟨y⟩ = ${yMean}, want ${target}`);
  assert.ok(Math.abs(yVar / v - 1) < 5 * Math.sqrt(2 / n), `var y = ${yVar}, want ${v}`);
});

test("torch cross-check: the inner loop of docs/performance.md §sgld-inner (scope 0.1 ⇔ coupling γ = 10, noise off)", () => {
  const { eta, gamma, alpha, steps } = W.sgldConst;
  const { loss } = W.sgldData();
  const x = W.tinyParams();
  const vg = valueAndGrad((p: Tree) => loss(p as never));
  const g = (p: Tree) => vg(p).grad;
  const { y, mu } = entropySgdInner(
    x,
    g(x),
    g,
    undefined,
    { innerLr: eta, innerSteps: steps, gamma: 1 / gamma, gammaScoping: 0, alpha, beta: Infinity },
    1 / gamma,
  );
  const d = zipTrees(
    [y, x],
    ([u, v]) =>
      new Tensor(
        u.data.map((e, i) => e - v.data[i]),
        u.shape,
      ),
  );
  const got = [loss(x as never).item(), loss(y as never).item(), treeDot(d, d), ravel(mu).reduce((s, v) => s + v, 0)];
  const want = [0.36019944156240874, 0.338860936997371, 0.0017476569599301625, 6.293678858215442];
  got.forEach((v, i) => assertClose(v, want[i], 1e-9, `check[${i}]`));
});

test("the inner loop needs gradAt when L > 1, and a key when β is finite", () => {
  const p = vec(1);
  assert.throws(
    () => entropySgd({ innerLr: 0.1, innerSteps: 2, gamma: 1, beta: Infinity }).step(p, p, { step: 0 }, { lr: 1 }),
    /gradAt/,
  );
  assert.throws(
    () => entropySgd({ innerLr: 0.1, innerSteps: 1, gamma: 1, beta: 10 }).step(p, p, { step: 0 }, { lr: 1 }),
    /key/,
  );
});
