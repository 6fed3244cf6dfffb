/**
 * Every registered model family, from its record alone (src/nn/registry.ts): so a new family is
 * tested by being registered. For each: the example config parses and is the family's; init is
 * deterministic per key and gives torch's state_dict (names and shapes); apply maps a batch of
 * every accepted sample shape to [N, …outputShape]; the data checks accept inputs and targets
 * made for it; weights round-trip through their state_dict names; and the loss is unchanged, to
 * 1e-12 relative, under random elements of the family's symmetry group (which really move the
 * parameters).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { key, split } from "../../src/core/random.ts";
import { namedLeaves, ravel } from "../../src/core/tree.ts";
import { noGrad } from "../../src/core/tape.ts";
import {
  FAMILIES,
  archNames,
  families,
  checkInputs,
  checkTargets,
  exampleOf,
  familyOf,
  groupOf,
  lossFn,
  parseModelConfig,
} from "../../src/nn/index.ts";
import { loadNamed } from "../../src/nn/files.ts";
import { relDiff } from "../symmetry/helpers.ts";

test("the registry lists each family once, by its arch", () => {
  assert.deepEqual(archNames(), ["mlp", "cnn", "transformer", "meanfield"]);
  assert.equal(new Set(archNames()).size, FAMILIES.length);
  for (const f of families()) assert.equal(familyOf(f.arch), f);
  assert.throws(() => familyOf("rnn"), /arch: unknown arch "rnn" \(expected mlp, cnn, transformer or meanfield\)/);
  assert.throws(
    () => parseModelConfig({ sizes: [2, 1] }),
    /arch: missing \(expected mlp, cnn, transformer or meanfield\)/,
  );
});

for (const family of families()) {
  test(`${family.arch}: example config, init per key, torch state_dict, output shapes, data checks`, () => {
    const { cfg, model, x, y, loss } = exampleOf(family, key(1));
    assert.equal(familyOf(cfg), family);
    assert.equal(cfg.arch, family.arch);
    const p = model.init(key(3));
    assert.deepEqual(
      namedLeaves(p).map(([n, t]) => `${n}:${t.shape.join("x")}`),
      family.example.stateDict,
      "names and shapes of torch's state_dict",
    );
    assert.deepEqual(ravel(model.init(key(3))), ravel(p), "same key, same params");
    assert.notDeepEqual(ravel(model.init(key(4))), ravel(p), "another key, other params");

    const N = x.shape[0];
    const out = noGrad(() => model.apply(p, x));
    assert.deepEqual(out.shape, [N, ...family.outputShape(cfg, x.shape.slice(1))]);
    assert.ok(out.data.every(Number.isFinite));
    // Every sample shape the family declares reads the same numbers to the same outputs.
    for (const shape of family.inputShapes(cfg)) {
      const xs = new Tensor(x.data, [N, ...shape]);
      checkInputs(cfg, xs, "x");
      assert.deepEqual(noGrad(() => model.apply(p, xs)).data, out.data, `input shape [${shape}]`);
    }
    checkTargets(cfg, x, y, loss, "y");
    assert.throws(() => checkInputs(cfg, new Tensor(new Float64Array(N * 97), [N, 97]), "x"), /x has shape \[\d+,97\]/);

    // The weights are found again from their state_dict names.
    const back = loadNamed(new Map(namedLeaves(p)), model, "weights");
    assert.deepEqual(ravel(back), ravel(p));
  });

  test(`${family.arch}: the loss is invariant under random elements of its symmetry group`, () => {
    const { cfg, model, x, y, loss } = exampleOf(family, key(2));
    const L = lossFn(loss);
    const f = (q: typeof p) => L(model.apply(q, x), y).item();
    const p = model.init(key(5));
    const G = groupOf(cfg);
    assert.ok(G.components.length > 0, "the example has a symmetry to test");
    const L0 = f(p);
    for (const k of split(key(6), 3)) {
      const q = G.act(p, G.randomElement(k, { logRange: 10 }));
      assert.ok(relDiff(ravel(q), ravel(p)) > 1e-3, "the element moves the parameters");
      assert.ok(Math.abs(f(q) - L0) <= 1e-12 * Math.abs(L0), `loss ${f(q)} vs ${L0}`);
    }
  });
}
