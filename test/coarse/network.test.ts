/**
 * The three estimators agree on a real network loss (tanh MLP, 25 parameters, mse on 16 points):
 * on 1-D and 2-D slices through the weights all three (same slice function), and over all 25
 * parameters sgld and importance, each pair within 3 combined standard errors. Also the param-tree
 * form of localEntropy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { namedLeaves, ravel } from "../../src/core/tree.ts";
import { mse } from "../../src/nn/index.ts";
import type { Tree } from "../../src/core/tree.ts";
import {
  localEntropy,
  sliceObjective,
  randomDirections,
  type LocalEntropyResult,
  type Method,
  type Objective,
} from "../../src/coarse/index.ts";
import { assertAgree, assertVecAgree, certified, tinyNetwork } from "./helpers.ts";

const net = tinyNetwork();
const t = 0.5;
const beta = 8;

function run(
  obj: Objective,
  x: Float64Array,
  method: Method,
  extra: Record<string, number | string> = {},
): LocalEntropyResult {
  const r = localEntropy(obj, x, {
    method,
    t,
    beta,
    seed: 11,
    ...(method === "importance" ? { samples: 8192 } : { samples: 800 }),
    ...extra,
  } as never);
  assert.deepEqual(r.warnings, [], `${method}: ${r.warnings.join("; ")}`);
  return r;
}

function agreeAll(rs: LocalEntropyResult[], what: string): void {
  for (let i = 0; i < rs.length; i++) {
    for (let j = i + 1; j < rs.length; j++) {
      const [a, b] = [rs[i], rs[j]];
      const pair = `${what} ${a.method}/${b.method}`;
      const [ea, eb] = [certified(a), certified(b)];
      assertAgree(a.u as number, ea.stderr, b.u as number, eb.stderr, `${pair} u`);
      assertVecAgree(a.grad, ea.gradStderr, b.grad, eb.gradStderr, `${pair} ∇u`);
    }
  }
}

for (const k of [1, 2]) {
  test(`network ${k}-D random slice: quadrature, importance and sgld agree within 3 combined se`, () => {
    const sl = sliceObjective(net.objective, net.x0, randomDirections(key(30 + k), net.objective.dim, k));
    const rs = (["quadrature", "importance", "sgld"] as const).map((m) => run(sl.objective, sl.origin, m));
    assert.ok((rs[0].stderr as number) < 1e-9, "quadrature is (near) exact here");
    agreeAll(rs, `${k}-D slice`);
    // the slice's u differs from the loss itself: the smoothing did something measurable
    assert.ok(Math.abs((rs[0].u as number) - net.objective.value(net.x0)) > 10 * (rs[1].stderr as number));
  });
}

test("network, all 25 parameters: Laplace importance sampling, smc and sgld agree within 3 combined se", () => {
  const rs = [
    run(net.objective, net.x0, "importance", { proposal: "laplace" }),
    run(net.objective, net.x0, "smc"),
    run(net.objective, net.x0, "sgld", { lambdas: 8 }),
  ];
  agreeAll(rs, "full");
  // kernel importance sampling: the loss curves down along one direction (t·λ_min < −½), so its
  // weights are too heavy-tailed for an error bar, and it says so
  const k = localEntropy(net.objective, net.x0, { method: "importance", t, beta, seed: 11, samples: 8192 });
  assert.equal(k.stderr, null);
  assert.match(k.reliability.reason ?? "", /tail index 0\.\d+ ≥ 0\.5/);
});

test("param-tree form: grad has the weights' names and shapes and equals the flat estimate", () => {
  const loss = (p: Tree) => mse(net.model.apply(p, net.X), net.Y);
  const opts = { method: "importance", t, beta, seed: 3, samples: 512 } as const;
  const r = localEntropy(loss, net.params, opts);
  const flat = localEntropy(net.objective, net.x0, opts);
  assert.deepEqual(
    namedLeaves(r.grad).map(([n, l]) => [n, l.shape]),
    namedLeaves(net.params).map(([n, l]) => [n, l.shape]),
  );
  assert.deepEqual(Array.from(ravel(r.grad)), Array.from(flat.grad));
  assert.equal(r.u, flat.u);
});
