import { test } from "node:test";
import assert from "node:assert/strict";
import { hashUniform } from "../../src/nn/hashInit.ts";

test("hash initialisation reproduces the reference test vectors bit for bit", () => {
  assert.equal(hashUniform(1, 0), 0.1872461176244542);
  assert.equal(hashUniform(1, 1), 0.6348886253545061);
  assert.equal(hashUniform(20, 0), 0.7883019192377105);
  assert.equal(hashUniform(20, 100351), 0.2690997739555314);
  assert.equal(hashUniform(41, 511), 0.6194612932158634);
});
