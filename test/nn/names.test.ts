/**
 * Weights-file tensor names onto a model's parameter names (docs/file-formats.md §weights): as they
 * are, a checkpoint's params.*, a common prefix dropped, nn.Sequential positions, explicit renames;
 * otherwise an error that lists the names found next to those expected.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { InputError } from "../../src/errors.ts";
import { matchParameterNames, parseRename } from "../../src/nn/names.ts";

// An MLP 3-5-2: fc0.weight [5,3], fc0.bias [5], fc1.weight [2,5], fc1.bias [2].
const expected: [string, number[]][] = [
  ["fc0.weight", [5, 3]],
  ["fc0.bias", [5]],
  ["fc1.weight", [2, 5]],
  ["fc1.bias", [2]],
];
const t = (shape: number[], v = 0) => new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape);
const file = (names: [string, number[]][]) => new Map(names.map(([n, s], i) => [n, t(s, i)]));
const opts = { where: "weights w.safetensors", arch: "mlp" };
const match = (names: [string, number[]][], o = {}) => matchParameterNames(file(names), expected, { ...opts, ...o });

test("the model's own names match silently; a checkpoint's params.* (optimizer state aside) with a note", () => {
  assert.deepEqual(match(expected).notes, []);
  const ckpt = match([
    ...expected.map(([n, s]) => [`params.${n}`, s] as [string, number[]]),
    ["opt.exp_avg.fc0.bias", [5]],
  ]);
  assert.deepEqual(
    [...ckpt.named.keys()],
    expected.map(([n]) => n),
  );
  assert.match(ckpt.notes[0], /a checkpoint; its params\.\* tensors are the parameters/);
});

test("nn.Sequential positions (0, 2: the activation has no parameters) and a DataParallel prefix map with a note", () => {
  const seq = match([
    ["0.weight", [5, 3]],
    ["0.bias", [5]],
    ["2.weight", [2, 5]],
    ["2.bias", [2]],
  ]);
  assert.equal(seq.named.get("fc1.weight")!.data[0], 2, "2.weight → fc1.weight");
  assert.match(
    seq.notes[0],
    /names mapped by position .*0\.weight → fc0\.weight, 0\.bias → fc0\.bias, 2\.weight → fc1\.weight/,
  );
  const dp = match(expected.map(([n, s]) => [`module.${n}`, s]));
  assert.match(dp.notes[0], /dropped the prefix "module\." common to every tensor name/);
  // Natural order: layer 10 after layer 2.
  const far = matchParameterNames(
    file([
      ["10.weight", [2, 5]],
      ["10.bias", [2]],
      ["2.weight", [5, 3]],
      ["2.bias", [5]],
    ]),
    expected,
    opts,
  );
  assert.equal(far.named.get("fc0.weight")!.shape[0], 5);
});

test("explicit renames apply first; a rename that matches nothing or collides is an error", () => {
  const r = match(
    [
      ["a.weight", [5, 3]],
      ["a.bias", [5]],
      ["b.weight", [2, 5]],
      ["b.bias", [2]],
    ],
    { rename: [parseRename("a=fc0"), parseRename("b=fc1")] },
  );
  assert.deepEqual(r.notes, []);
  assert.throws(() => match(expected, { rename: [["zz", "fc0"]] }), /rename zz=fc0 matches no tensor/);
  assert.throws(
    () => parseRename("0fc0"),
    (e: unknown) => e instanceof InputError && /^--rename: expected FROM=TO/.test(e.message),
  );
});

test("no rule fits: the error lists the names found and expected, and which shape differs or names are missing", () => {
  const err = (names: [string, number[]][]) => {
    try {
      match(names);
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e.message;
    }
    assert.fail("accepted");
  };
  assert.match(
    err([
      ["layer.w", [5, 3]],
      ["layer.b", [5]],
    ]),
    new RegExp(
      String.raw`^weights w\.safetensors do not match the mlp config: found layer\.w \[5,3\], layer\.b \[5\]; ` +
        String.raw`expected fc0\.weight \[5,3\], fc0\.bias \[5\], fc1\.weight \[2,5\], fc1\.bias \[2\]; ` +
        String.raw`rename tensors with --rename FROM=TO`,
    ),
  );
  assert.match(
    err([
      ["fc0.weight", [5, 3]],
      ["fc0.bias", [5]],
      ["fc1.weight", [2, 4]],
      ["fc1.bias", [2]],
    ]),
    /parameter fc1\.weight has shape \[2,4\], expected \[2,5\]/,
  );
  assert.match(err(expected.slice(0, 3)), /\(missing fc1\.bias\)/);
});
