/**
 * Model sizes from the config alone (docs/store.md §bounds): the parameter count equals the number
 * of values `init` allocates, for every family and option, and a model over the limit is refused
 * before anything is allocated, naming the field and the memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { InputError } from "../../src/errors.ts";
import { modelOf, parameterTerms, parseModelConfig } from "../../src/nn/index.ts";
import { MAX_PARAMETERS, total } from "../../src/nn/size.ts";
import { namedLeaves } from "../../src/core/tree.ts";

const configs: Record<string, unknown>[] = [
  { arch: "mlp", sizes: [3, 5, 2] },
  { arch: "mlp", sizes: [7, 4, 4, 1], bias: false },
  { arch: "meanfield", input: 4, width: 7 },
  { arch: "meanfield", input: 4, width: 7, bias: false },
  {
    arch: "cnn",
    input: [2, 9, 9],
    conv: [
      { out: 3, kernel: 3, padding: 1, pool: 2 },
      { out: 4, kernel: 2 },
    ],
    fc: [6, 3],
  },
  { arch: "cnn", input: [1, 8, 6], conv: [{ out: 2, kernel: 3 }], fc: [5] },
  { arch: "transformer", vocab: 11, seq: 5, d: 8, heads: 2, dHead: 3, layers: 2, mlp: 7 },
  { arch: "transformer", vocab: 11, seq: 5, d: 8, heads: 2, dHead: 3, layers: 0, mlp: 7, norm: "none" },
];

test("the parameter count from the config equals the values init allocates", () => {
  for (const raw of configs) {
    const cfg = parseModelConfig(raw);
    const allocated = namedLeaves(modelOf(cfg).init(key(1))).reduce((s, [, t]) => s + t.size, 0);
    assert.equal(total(parameterTerms(cfg)), allocated, JSON.stringify(raw));
  }
});

test("a model over the parameter limit is refused in microseconds, naming the field and the memory", () => {
  const t0 = performance.now();
  assert.throws(
    () =>
      parseModelConfig(
        { arch: "transformer", vocab: 50000, seq: 8, d: 4096, heads: 8, dHead: 64, layers: 4, mlp: 16 },
        "model config m.json",
      ),
    (e: unknown) =>
      e instanceof InputError &&
      new RegExp(
        "^model config m\\.json: vocab, d: the model would have 4\\.\\d\\de\\+8 parameters, " +
          "about \\d+\\.\\d GiB of memory to train \\(6 float64 copies\\); at most 5e\\+7 parameters are allowed$",
      ).test(e.message),
  );
  assert.ok(performance.now() - t0 < 100);
  assert.doesNotThrow(() => parseModelConfig({ arch: "mlp", sizes: [4, Math.floor(MAX_PARAMETERS / 6) - 1, 1] }));
});
