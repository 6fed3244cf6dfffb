/** Forward passes of the four families against values computed by hand on tiny inputs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor, tensor } from "../../src/core/tensor.ts";
import { key } from "../../src/core/random.ts";
import { modelOf, parseModelConfig, mse, xent } from "../../src/nn/index.ts";
import { InputError } from "../../src/errors.ts";
import { assertAllClose, assertClose } from "../core/helpers.ts";

const t = (v: number[], s: number[]) => tensor(v, s);

test("MLP forward: relu hidden layer, linear output", () => {
  const cfg = parseModelConfig({ arch: "mlp", sizes: [2, 2, 1], activation: "relu" });
  const p = {
    fc0: { weight: t([1, -1, 0.5, 2], [2, 2]), bias: t([0, -1], [2]) },
    fc1: { weight: t([1, -2], [1, 2]), bias: t([0.5], [1]) },
  };
  // h = relu([1 − 2, 0.5 + 4 − 1]) = [0, 3.5]; out = 0 − 7 + 0.5
  assert.deepEqual(
    modelOf(cfg)
      .apply(p, t([1, 2], [1, 2]))
      .toArray(),
    [-6.5],
  );
});

test("CNN forward: conv, relu, max-pool, flatten, fc; zero padding", () => {
  const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  const conv = { weight: t([1, 0, 0, 1], [1, 1, 2, 2]), bias: t([0.5], [1]) };
  const a = parseModelConfig({ arch: "cnn", input: [1, 3, 3], conv: [{ out: 1, kernel: 2 }], fc: [1] });
  // conv map [6.5, 8.5, 12.5, 14.5]; fc: 6.5 − 8.5 + 2·12.5 + 1
  assert.deepEqual(
    modelOf(a)
      .apply({ conv0: conv, fc0: { weight: t([1, -1, 2, 0], [1, 4]), bias: t([1], [1]) } }, x)
      .toArray(),
    [24],
  );
  const b = parseModelConfig({ arch: "cnn", input: [1, 3, 3], conv: [{ out: 1, kernel: 2, pool: 2 }], fc: [1] });
  assert.deepEqual(
    modelOf(b)
      .apply({ conv0: conv, fc0: { weight: t([2], [1, 1]), bias: t([0], [1]) } }, x)
      .toArray(),
    [29],
  );
  const c = parseModelConfig({ arch: "cnn", input: [1, 2, 2], conv: [{ out: 1, kernel: 3, padding: 1 }], fc: [1] });
  const ones = { weight: t(new Array(9).fill(1), [1, 1, 3, 3]), bias: t([0], [1]) };
  // every 3×3 window of the zero-padded 2×2 input covers all four ones
  assert.deepEqual(
    modelOf(c)
      .apply(
        { conv0: ones, fc0: { weight: t([1, 10, 100, 1000], [1, 4]), bias: t([0], [1]) } },
        t([1, 1, 1, 1], [1, 1, 2, 2]),
      )
      .toArray(),
    [4444],
  );
});

test("transformer forward: one causal head written out by hand", () => {
  const cfg = parseModelConfig({
    arch: "transformer",
    vocab: 2,
    seq: 2,
    d: 1,
    heads: 1,
    dHead: 1,
    layers: 1,
    mlp: 1,
    norm: "none",
    activation: "relu",
  });
  const [e0, e1, p0, p1, wq, wk, wv, wo, w1, b1, w2, b2, u0, u1] = [
    0.3, -0.7, 0.1, 0.2, 1.5, -0.5, 2, 0.25, 1.2, 0.1, -0.8, 0.05, 1, -2,
  ];
  const s = (v: number) => t([v], [1, 1]);
  const params = {
    embed: { weight: t([e0, e1], [2, 1]) },
    pos: { weight: t([p0, p1], [2, 1]) },
    blocks: [
      {
        attn: { q: { weight: s(wq) }, k: { weight: s(wk) }, v: { weight: s(wv) }, o: { weight: s(wo) } },
        mlp: { fc1: { weight: s(w1), bias: t([b1], [1]) }, fc2: { weight: s(w2), bias: t([b2], [1]) } },
      },
    ],
    unembed: { weight: t([u0, u1], [2, 1]) },
  };
  // tokens [0, 1]; the last position attends to positions 0 and 1.
  const x0 = e0 + p0,
    x1 = e1 + p1;
  const q1 = wq * x1,
    sc = [q1 * wk * x0, q1 * wk * x1];
  const m = Math.max(...sc),
    z = sc.map((v) => Math.exp(v - m)),
    Z = z[0] + z[1];
  const att = (z[0] * wv * x0 + z[1] * wv * x1) / Z;
  const h1 = x1 + wo * att;
  const out = h1 + w2 * Math.max(w1 * h1 + b1, 0) + b2;
  const logits = modelOf(cfg).apply(params, t([0, 1], [1, 2]));
  assertAllClose(logits.data, [u0 * out, u1 * out], 1e-15, "logits");
});

test("mean-field forward: (1/m) Σ aⱼ σ(wⱼ·x + bⱼ), output shape [N]", () => {
  const cfg = parseModelConfig({ arch: "meanfield", input: 2, width: 3, activation: "relu" });
  const p = { w: t([1, 0, 0, 1, 1, 1], [3, 2]), b: t([0, 0, -1], [3]), a: t([1, 2, 3], [3]) };
  const out = modelOf(cfg).apply(p, t([2, 1, -1, -1], [2, 2]));
  assert.deepEqual(out.shape, [2]);
  assertAllClose(out.data, [10 / 3, 0], 1e-15);
});

test("losses follow torch: MSE mean over elements, cross-entropy mean over rows", () => {
  assert.equal(mse(t([1, 2, 3, 4], [2, 2]), t([1, 0, 3, 0], [2, 2])).item(), 5);
  const logits = t([1, 2, 3, 0, 0, 0], [2, 3]);
  const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
  assertClose(xent(logits, t([2, 0], [2])).item(), (lse - 3 + Math.log(3)) / 2, 1e-15);
  assert.throws(() => xent(logits, t([3, 0], [2])), /label 3/);
});

test("initialisation is deterministic per key and uses torch's fan-in bounds", () => {
  const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [100, 50, 1] }));
  const a = model.init(key(1)) as Record<string, { weight: Tensor }>;
  const b = model.init(key(1)) as Record<string, { weight: Tensor }>;
  assert.deepEqual(a.fc0.weight.data, b.fc0.weight.data);
  const w = a.fc0.weight.data;
  assert.ok(w.every((v) => Math.abs(v) <= 0.1) && Math.max(...w) > 0.09 && Math.min(...w) < -0.09);
});

test("config errors are one-line InputErrors naming the field", () => {
  const bad: [unknown, RegExp][] = [
    [{ arch: "rnn" }, /arch: unknown arch "rnn"/],
    [{ arch: "mlp", sizes: [3, 0] }, /sizes\.1/],
    [{ arch: "mlp", sizes: [3, 2], activation: "swish" }, /activation/],
    [{ arch: "mlp", sizes: [3, 2], dropout: 0.1 }, /dropout: unknown key/],
    [{ arch: "cnn", input: [1, 2, 2], conv: [{ out: 1, kernel: 5 }], fc: [1] }, /conv\.0: kernel 5 does not fit/],
    [{ arch: "transformer", vocab: 3 }, /seq/],
  ];
  for (const [raw, re] of bad) {
    assert.throws(
      () => parseModelConfig(raw),
      (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"),
      `${JSON.stringify(raw)}`,
    );
  }
});
