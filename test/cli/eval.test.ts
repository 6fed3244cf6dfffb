/** `shocklens eval` end to end: outputs, HVP file, and one-line exit-2 errors for bad input. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../../src/core/tensor.ts";
import { key, split, normal } from "../../src/core/random.ts";
import { modelOf, parseModelConfig, xent } from "../../src/nn/index.ts";
import { saveTree } from "../../src/nn/files.ts";
import { hvp } from "../../src/core/autodiff.ts";
import { writeSafetensors, readSafetensors } from "../../src/io/safetensors.ts";
import { mapTree, toNamed, treeNorm } from "../../src/core/tree.ts";
import { runCliInProcess, tempDir, expectUsageError } from "./helpers.ts";
import { assertAllClose, assertClose } from "../core/helpers.ts";

const dir = tempDir();
const rawCfg = { arch: "mlp", sizes: [4, 5, 3], activation: "tanh" };
const cfg = parseModelConfig(rawCfg);
const model = modelOf(cfg);
const [kp, kx, kv] = split(key(11), 3);
const params = model.init(kp);
const x = normal(kx, [6, 4]);
const labels = [0, 2, 1, 1, 0, 2];
const direction = mapTree(params, (t, n) => normal([kv[0], n.length], t.shape));
const p = (f: string) => join(dir, f);
writeFileSync(p("model.json"), JSON.stringify(rawCfg));
saveTree(p("w.safetensors"), params);
saveTree(p("v.safetensors"), direction);
writeSafetensors(p("data.safetensors"), {
  x: { dtype: "F64", shape: [6, 4], data: x.data },
  y: { dtype: "I64", shape: [6], data: BigInt64Array.from(labels.map(BigInt)) },
});
const base = ["eval", "--model", p("model.json"), "--weights", p("w.safetensors"), "--data", p("data.safetensors")];

test("eval --json prints one object with loss and gradient norm; --out holds loss, grad.* and hvp.*", async () => {
  const r = await runCliInProcess([...base, "--direction", p("v.safetensors"), "--out", p("o.safetensors"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1);
  const summary = JSON.parse(lines[0]);
  const want = hvp((q: typeof params) => xent(model.apply(q, x), new Tensor(Float64Array.from(labels), [6])))(
    params,
    direction,
  );
  assertClose(summary.loss, want.value.item(), 1e-15, "loss");
  assertClose(summary.gradNorm, treeNorm(want.grad), 1e-14, "gradNorm");
  assert.equal(summary.params, 4 * 5 + 5 + 5 * 3 + 3);
  const out = readSafetensors(p("o.safetensors")).tensors;
  assert.deepEqual(out.get("loss")?.shape, []);
  assertAllClose(out.get("grad.fc0.weight")!.data as Float64Array, toNamed(want.grad).get("fc0.weight")!.data, 1e-14);
  assertAllClose(out.get("hvp.fc1.bias")!.data as Float64Array, toNamed(want.hvp).get("fc1.bias")!.data, 1e-13);
  assert.deepEqual([...out.keys()].filter((k) => k.startsWith("hvp.")).length, 4);
});

test("eval without --json prints a readable summary", async () => {
  const r = await runCliInProcess(base);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^loss\s+\d/m);
});

test("bad input: exit code 2 and a one-line message naming what is wrong", async () => {
  const write = (name: string, content: string) => (writeFileSync(p(name), content), p(name));
  await expectUsageError(
    [...base.slice(0, 2), write("a.json", '{"arch":"rnn"}'), ...base.slice(3)],
    /unknown arch "rnn"/,
  );
  await expectUsageError(
    [...base.slice(0, 2), write("b.json", '{"arch":"mlp","sizes":[4,-1,3]}'), ...base.slice(3)],
    /sizes\.1/,
  );
  await expectUsageError(
    [...base.slice(0, 2), write("c.json", '{"arch":"mlp","sizes":[4,5,3],"activation":"swish"}'), ...base.slice(3)],
    /activation/,
  );
  await expectUsageError(
    [...base.slice(0, 2), write("d.json", '{"arch":"mlp","sizes":[4,6,3]}'), ...base.slice(3)],
    /fc0\.weight has shape \[5,4\], expected \[6,4\]/,
  );
  await expectUsageError([...base.slice(0, 2), write("e.json", "{not json"), ...base.slice(3)], /not valid JSON/);
  writeSafetensors(p("bad-x.safetensors"), {
    x: { dtype: "F64", shape: [6, 3], data: new Float64Array(18) },
    y: { dtype: "I64", shape: [6], data: new BigInt64Array(6) },
  });
  await expectUsageError([...base.slice(0, 6), p("bad-x.safetensors")], /x has shape \[6,3\], expected \[N, 4\]/);
  writeSafetensors(p("nan.safetensors"), {
    x: { dtype: "F64", shape: [1, 4], data: Float64Array.of(0, NaN, 0, 0) },
    y: { dtype: "I64", shape: [1], data: new BigInt64Array(1) },
  });
  await expectUsageError([...base.slice(0, 6), p("nan.safetensors")], /x holds NaN at flat index 1/);
  writeSafetensors(p("lab.safetensors"), {
    x: { dtype: "F64", shape: [1, 4], data: new Float64Array(4) },
    y: { dtype: "I64", shape: [1], data: BigInt64Array.of(7n) },
  });
  await expectUsageError([...base.slice(0, 6), p("lab.safetensors")], /label 7 .* not a class in \[0, 3\)/);
  const w = readFileSync(p("w.safetensors"));
  writeFileSync(p("trunc.safetensors"), w.subarray(0, w.length - 5));
  await expectUsageError([...base.slice(0, 4), p("trunc.safetensors"), ...base.slice(5)], /trunc\.safetensors/);
  await expectUsageError(
    [...base.slice(0, 4), p("missing.safetensors"), ...base.slice(5)],
    /missing\.safetensors does not exist/,
  );
  await expectUsageError([...base, "--loss", "hinge"], /--loss: expected one of mse, xent, got "hinge"/);
  await expectUsageError([...base, "--bogus"], /unknown option '--bogus'/);
});
