/** Bad input to the local-entropy API: one-line InputErrors naming the option and what was expected. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../src/errors.ts";
import { key } from "../../src/core/random.ts";
import {
  localEntropy,
  quadraticObjective,
  entropyGrid1d,
  entropyGrid2d,
  sliceObjective,
  hessianDirections,
  type Objective,
} from "../../src/coarse/index.ts";

const q1 = quadraticObjective([[1]], [0]);
const q3 = quadraticObjective(
  [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  [0, 0, 0],
);
const noGrad: Objective = { dim: 1, value: (y) => y[0] * y[0] };
const x1 = Float64Array.of(0.2);

function throwsInput(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, pattern);
    return true;
  });
}

test("t ≤ 0, β ≤ 0 and non-finite values are rejected for every method", () => {
  for (const method of ["auto", "smc", "sgld", "importance", "quadrature"] as const) {
    throwsInput(() => localEntropy(q1, x1, { method, t: 0, beta: 1 }), /^t: expected a number > 0, got 0/);
    throwsInput(() => localEntropy(q1, x1, { method, t: -1, beta: 1 }), /^t: .*got -1/);
    throwsInput(() => localEntropy(q1, x1, { method, t: NaN, beta: 1 }), /^t: .*NaN/);
    throwsInput(() => localEntropy(q1, x1, { method, t: 1, beta: 0 }), /^beta: .*got 0/);
    throwsInput(() => localEntropy(q1, x1, { method, t: 1, beta: Infinity }), /^beta: .*Infinity/);
    throwsInput(() => localEntropy(q1, Float64Array.of(NaN), { method, t: 1, beta: 1 }), /^x: coordinate 0 is NaN/);
    throwsInput(
      () => localEntropy(q1, Float64Array.of(1, 2), { method, t: 1, beta: 1 }),
      /^x: expected a Float64Array of length 1/,
    );
  }
});

test("unknown methods, bad sample counts and inconsistent sampler settings", () => {
  throwsInput(
    () => localEntropy(q1, x1, { method: "langevin", t: 1, beta: 1 } as never),
    /^method: expected one of auto, importance, smc, sgld, quadrature, got "langevin"/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "importance", t: 1, beta: 1, proposal: "gauss" as never }),
    /^proposal: expected kernel, shifted, laplace, got gauss/,
  );
  throwsInput(
    () => localEntropy(noGrad, x1, { method: "importance", t: 1, beta: 1, proposal: "laplace" }),
    /^proposal laplace: the objective has no gradient/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "smc", t: 1, beta: 1, particles: 8 }),
    /^particles: expected an integer >= 16/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "smc", t: 1, beta: 1, replicates: 3 }),
    /^replicates: expected an integer >= 4/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "smc", t: 1, beta: 1, essFraction: 1 }),
    /^essFraction: expected a number in \(0, 1\)/,
  );
  throwsInput(() => localEntropy(noGrad, x1, { method: "smc", t: 1, beta: 1 }), /^smc: the objective has no gradient/);
  throwsInput(
    () => localEntropy(q3, new Float64Array(3), { t: 1, beta: 1, crossCheck: "often" as never }),
    /^crossCheck: expected auto, always or never/,
  );
  throwsInput(
    () => localEntropy(q3, new Float64Array(3), { t: 1, beta: 1, samples: 1 }),
    /^samples: expected an integer >= 2/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "importance", t: 1, beta: 1, samples: 0 }),
    /^samples: expected an integer >= 2/,
  );
  throwsInput(() => localEntropy(q1, x1, { method: "importance", t: 1, beta: 1, stderr: -1 }), /^stderr:/);
  throwsInput(
    () => localEntropy(noGrad, x1, { method: "importance", t: 1, beta: 1, proposal: "shifted" }),
    /no gradient/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "sgld", t: 1, beta: 1, lambdas: 6 }),
    /^lambdas: must be a multiple of 4/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "sgld", t: 1, beta: 1, adjust: false }),
    /needs an explicit stepSize/,
  );
  throwsInput(
    () => localEntropy(q1, x1, { method: "sgld", t: 1, beta: 1, samples: 5, batches: 20 }),
    /^samples: need at least batches/,
  );
  throwsInput(
    () => localEntropy(noGrad, x1, { method: "sgld", t: 1, beta: 1 }),
    /^sgld: the objective has no gradient/,
  );
});

test("quadrature needs a 1-D/2-D objective; grids and slices check their inputs", () => {
  throwsInput(
    () => localEntropy(q3, new Float64Array(3), { method: "quadrature", t: 1, beta: 1 }),
    /quadrature works on 1-D or 2-D objectives .* got dimension 3: use sliceObjective/,
  );
  throwsInput(() => entropyGrid1d((s) => s * s, [], [1], 1), /^s: empty grid/);
  throwsInput(() => entropyGrid1d((s) => s * s, [0], [1, -1], 1), /^t\[1\]: .*got -1/);
  throwsInput(() => entropyGrid2d(q1, [0], [0], [1], 1), /a 2-D grid needs a 2-D objective, got dimension 1/);
  throwsInput(
    () =>
      sliceObjective(q3, new Float64Array(3), [
        [1, 0, 0],
        [2, 0, 0],
      ]),
    /linearly dependent/,
  );
  throwsInput(() => sliceObjective(q3, new Float64Array(3), [[1, 0]]), /direction 0 has length 2, expected 3/);
  throwsInput(() => hessianDirections(noGrad, x1, 1, { key: key(0) }), /Hessian-vector products/);
});
