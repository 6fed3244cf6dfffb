/** Teacher–student regression: targets are the teacher network's outputs (+ noise). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, split } from "../../src/core/random.ts";
import { noGrad } from "../../src/core/tape.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { teacherStudent } from "../../src/data/teacherStudent.ts";

const teacher = parseModelConfig({ arch: "mlp", sizes: [3, 8, 2], activation: "tanh" });

test("without noise y = teacher(x) for the teacher drawn from the data key", () => {
  const k = key(7);
  const t = teacherStudent({ teacher, n: 50, noise: 0, inputStd: 1, trainFraction: 0.8 }, k);
  assert.equal(t.loss, "mse");
  assert.deepEqual(t.train.x.shape, [40, 3]);
  assert.deepEqual(t.train.y.shape, [40, 2]);
  const m = modelOf(teacher);
  const out = noGrad(() => m.apply(m.init(split(k, 4)[0]), t.train.x));
  assert.deepEqual(Array.from(out.data), Array.from(t.train.y.data));
});

test("label noise has the requested standard deviation; transformer teachers get token inputs", () => {
  const a = teacherStudent({ teacher, n: 4000, noise: 0, inputStd: 1, trainFraction: 1 }, key(1));
  const b = teacherStudent({ teacher, n: 4000, noise: 0.5, inputStd: 1, trainFraction: 1 }, key(1));
  const d = Array.from(a.train.y.data, (v, i) => b.train.y.data[i] - v);
  const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
  assert.ok(Math.abs(sd - 0.5) < 0.02, `noise sd ${sd}`);
  const tr = parseModelConfig({ arch: "transformer", vocab: 7, seq: 4, d: 8, heads: 2, dHead: 4, layers: 1, mlp: 16 });
  const t = teacherStudent({ teacher: tr, n: 20, noise: 0, inputStd: 1, trainFraction: 1 }, key(2));
  assert.deepEqual(t.train.x.shape, [20, 4]);
  assert.ok(t.train.x.data.every((v) => Number.isInteger(v) && v >= 0 && v < 7));
  assert.deepEqual(t.train.y.shape, [20, 7]);
});
