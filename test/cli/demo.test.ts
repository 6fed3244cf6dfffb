/** `shocklens demo` option checks (the demo itself trains for seconds: test/e2e/demo.test.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCliInProcess, tempDir } from "./helpers.ts";

test("--steps must be a positive integer", async () => {
  const r = await runCliInProcess(["demo", "--steps", "0", "--store", join(tempDir(), "x.db")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^shocklens: --steps: must be ≥ 1, got 0\n$/);
});
