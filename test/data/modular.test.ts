/** The modular-arithmetic (grokking) task: every pair once, exact labels, both encodings. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { modular, modularOp } from "../../src/data/modular.ts";
import { InputError } from "../../src/errors.ts";

test("labels are a ∘ b mod p; division inverts multiplication", () => {
  const p = 13;
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      assert.equal(modularOp("+", a, b, p), (a + b) % p);
      assert.equal((modularOp("-", a, b, p) + b) % p, a);
      assert.equal(modularOp("*", a, b, p), (a * b) % p);
      if (b > 0) assert.equal((modularOp("/", a, b, p) * b) % p, a, `${a}/${b}`);
    }
  }
});

test("tokens [a, b, =]: p² pairs (p(p−1) for ÷) split by trainFraction, labels matching the tokens", () => {
  const t = modular({ p: 11, op: "-", encoding: "tokens", trainFraction: 0.3 }, key(0));
  assert.equal(t.train.x.shape[0] + t.test.x.shape[0], 121);
  assert.equal(t.train.x.shape[0], Math.round(0.3 * 121));
  assert.equal(t.classes, 11);
  const seen = new Set<string>();
  for (const s of [t.train, t.test]) {
    for (let i = 0; i < s.x.shape[0]; i++) {
      const [a, b, eq] = s.x.data.subarray(3 * i, 3 * i + 3);
      assert.equal(eq, 11, "the '=' token is p");
      assert.equal(s.y.data[i], modularOp("-", a, b, 11));
      seen.add(`${a},${b}`);
    }
  }
  assert.equal(seen.size, 121);
  const div = modular({ p: 7, op: "/", encoding: "tokens", trainFraction: 1 }, key(0));
  assert.equal(div.train.x.shape[0], 42);
});

test("onehot: 2p features with one 1 in each half", () => {
  const t = modular({ p: 5, op: "*", encoding: "onehot", trainFraction: 0.5 }, key(1));
  assert.deepEqual(t.train.x.shape.slice(1), [10]);
  const r = Array.from(t.train.x.data.subarray(0, 10));
  assert.equal(
    r.slice(0, 5).reduce((s, v) => s + v, 0),
    1,
  );
  assert.equal(
    r.slice(5).reduce((s, v) => s + v, 0),
    1,
  );
  assert.equal(t.train.y.data[0], (r.indexOf(1) * (r.lastIndexOf(1) - 5)) % 5);
});

test("division needs a prime modulus", () => {
  assert.throws(
    () => modular({ p: 12, op: "/", encoding: "tokens", trainFraction: 0.5 }, key(0)),
    (e: unknown) => e instanceof InputError && /prime/.test(e.message),
  );
});
