/**
 * The group really is a symmetry: for every family, the network function and the loss are unchanged
 * (to 1e-12 relative) under random group elements — log-uniform scalings over [0.01, 100],
 * ill-conditioned GL(dh) matrices (condition number up to 100) and random permutations — and the
 * closed-form invariants are unchanged too. Where the math says there is no rescaling symmetry
 * (tanh), the group has none, and rescaling a unit indeed changes the function.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, split } from "../../src/core/random.ts";
import { groupOf } from "../../src/nn/index.ts";
import { ravel } from "../../src/core/tree.ts";
import { modelOf } from "../../src/nn/index.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { allCases, makeCase, relDiff } from "./helpers.ts";

for (const c of allCases()) {
  test(`loss, outputs and invariants unchanged under random group elements: ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const L0 = c.f(c.params).item();
    const out0 = c.out(c.params).data;
    const inv0 = G.invariants(c.params);
    for (const k of split(key(21), 3)) {
      const g = G.randomElement(k, { logRange: 100 });
      const p = G.act(c.params, g);
      assert.ok(Math.abs(c.f(p).item() - L0) <= 1e-12 * Math.abs(L0), `loss ${c.f(p).item()} vs ${L0}`);
      assert.ok(relDiff(c.out(p).data, out0) <= 1e-12, `outputs differ by ${relDiff(c.out(p).data, out0)}`);
      const inv = G.invariants(p);
      assert.deepEqual(Object.keys(inv), Object.keys(inv0));
      for (const [name, t] of Object.entries(inv0))
        assert.ok(relDiff(inv[name].data, t.data) <= 1e-11, `${name}: ${relDiff(inv[name].data, t.data)}`);
    }
    // The element really moved the parameters (not an identity in disguise).
    const moved = relDiff(ravel(G.act(c.params, G.randomElement(key(3)))), ravel(c.params));
    assert.ok(moved > 1e-2, `parameters moved by only ${moved}`);
  });
}

test("group descriptions: dimensions per family and activation", () => {
  const dims = Object.fromEntries(allCases().map((c) => [c.label, groupOf(c.cfg).dim]));
  assert.equal(dims["mlp relu (2 hidden layers)"], 5 + 4);
  assert.equal(dims["mlp tanh (permutations only)"], 0);
  assert.equal(dims["cnn relu (conv→conv→fc→fc)"], 3 + 2 + 3);
  // ln1 (d) + 2 heads × (2² + 2²) + ln2 (d) + MLP (5) + ln_f (d)
  assert.equal(dims["transformer layernorm relu"], 4 + 16 + 4 + 5 + 4);
  // gelu: no MLP rescaling; per layer 2 heads × 8
  assert.equal(dims["transformer no-norm gelu, 2 layers"], 2 * 16);
  assert.equal(dims["meanfield relu"], 5);
  assert.equal(dims["meanfield tanh (exchangeability only)"], 0);
  for (const c of allCases()) assert.ok(groupOf(c.cfg).description.length > 20);
  assert.match(groupOf(allCases()[3].cfg).description, /not positively homogeneous/);
});

test("tanh has no rescaling symmetry: scaling a hidden neuron's in/out by (2, 1/2) changes the loss", () => {
  const c = makeCase("tanh", { arch: "mlp", sizes: [3, 4, 2], activation: "tanh" }, "mse");
  const p = c.params as { fc0: { weight: Tensor; bias: Tensor }; fc1: { weight: Tensor; bias: Tensor } };
  const scaleRow = (t: Tensor, f: number) =>
    new Tensor(
      t.data.map((v, i) => (Math.floor(i / t.shape[1]) === 0 ? v * f : v)),
      t.shape,
    );
  const q = {
    fc0: {
      weight: scaleRow(p.fc0.weight, 2),
      bias: new Tensor(
        p.fc0.bias.data.map((v, i) => (i === 0 ? 2 * v : v)),
        [4],
      ),
    },
    fc1: {
      weight: new Tensor(
        p.fc1.weight.data.map((v, i) => (i % 4 === 0 ? v / 2 : v)),
        p.fc1.weight.shape,
      ),
      bias: p.fc1.bias,
    },
  };
  assert.ok(Math.abs(c.f(q).item() - c.f(c.params).item()) > 1e-4);
  // …whereas relu has it exactly.
  const r = makeCase("relu", { arch: "mlp", sizes: [3, 4, 2], activation: "relu" }, "mse");
  const pr = r.params as typeof p;
  const qr = {
    fc0: {
      weight: scaleRow(pr.fc0.weight, 2),
      bias: new Tensor(
        pr.fc0.bias.data.map((v, i) => (i === 0 ? 2 * v : v)),
        [4],
      ),
    },
    fc1: {
      weight: new Tensor(
        pr.fc1.weight.data.map((v, i) => (i % 4 === 0 ? v / 2 : v)),
        pr.fc1.weight.shape,
      ),
      bias: pr.fc1.bias,
    },
  };
  assert.ok(Math.abs(r.f(qr).item() - r.f(r.params).item()) <= 1e-15 * Math.abs(r.f(r.params).item()));
});

test("act rejects malformed elements and parameter trees", () => {
  const c = allCases()[0];
  const G = groupOf(c.cfg);
  assert.throws(() => G.act(c.params, { nope: { kind: "perm", perm: Int32Array.of(0) } }), /unknown component/);
  assert.throws(
    () => G.act(c.params, { "fc0.scale": { kind: "scale", alpha: new Float64Array(5).fill(-1) } }),
    /must be finite and > 0/,
  );
  assert.throws(
    () => G.act(c.params, { "fc0.perm": { kind: "perm", perm: Int32Array.of(0, 0, 1, 2, 3) } }),
    /not a permutation/,
  );
  assert.throws(() => G.act({ fc0: c.params } as never, {}), /tensors|expected/);
});

test("attention GL with condition numbers up to 10⁴ (and scalings over [1e-4, 1e4]) still leaves the function unchanged to 1e-12", () => {
  for (const c of allCases().filter((x) => x.cfg.arch === "transformer")) {
    const G = groupOf(c.cfg);
    const out0 = c.out(c.params).data;
    for (const k of split(key(22), 3)) {
      const p = G.act(c.params, G.randomElement(k, { logRange: 1e4 }));
      assert.ok(relDiff(c.out(p).data, out0) <= 1e-12, `${c.label}: ${relDiff(c.out(p).data, out0)}`);
    }
  }
});

test(
  "mean-field: the loss depends on the empirical measure only — duplicating every particle (width 2m) " +
    "changes nothing, and the quotient coordinates list each particle twice",
  () => {
    const c = makeCase("mf", { arch: "meanfield", input: 3, width: 4, activation: "tanh" }, "mse", 13);
    const dup = makeCase("mf2", { arch: "meanfield", input: 3, width: 8, activation: "tanh" }, "mse", 13);
    const p = c.params as { w: Tensor; b: Tensor; a: Tensor };
    const twice = (t: Tensor) =>
      new Tensor(Float64Array.from([...t.data, ...t.data]), [2 * t.shape[0], ...t.shape.slice(1)]);
    const q = { w: twice(p.w), b: twice(p.b), a: twice(p.a) };
    const out = groupOf(dup.cfg);
    // Same inputs for both nets: evaluate the duplicate on c's data.
    assert.ok(relDiff(modelOf(dup.cfg).apply(q, c.x).data, c.out(c.params).data) < 1e-15);
    const inv1 = groupOf(c.cfg).invariants(c.params).particles.data;
    const inv2 = out.invariants(q).particles.data;
    for (let j = 0; j < 4; j++)
      for (const r of [2 * j, 2 * j + 1])
        assert.deepEqual(Array.from(inv2.slice(r * 5, r * 5 + 5)), Array.from(inv1.slice(j * 5, j * 5 + 5)));
  },
);
