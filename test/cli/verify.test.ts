/**
 * `shocklens verify` and `shocklens paper` reject bad input before any work (docs/cli.md §verify,
 * §paper): exit 2, one line naming the option, nothing written. The runs themselves are end to end:
 * test/e2e/verify-cli.test.ts, test/e2e/paper.test.ts, test/e2e/verify-families.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectUsageError, tempDir } from "./helpers.ts";

test("verify: an unknown family or a non-integer seed exits 2 with one line", async () => {
  await expectUsageError(
    ["verify", "--arch", "resnet"],
    /^shocklens: --arch: expected one of mlp, cnn, transformer, meanfield, got "resnet"\n$/,
  );
  await expectUsageError(["verify", "--arch", "mlp", "--seed", "1.5"], /--seed: expected an integer/, {
    prefixed: true,
  });
});

test("paper: an unknown family, a file as --out, or too few repetitions exit 2 and write nothing", async () => {
  const dir = tempDir();
  await expectUsageError(
    ["paper", "--families", "mlp,resnet", "--out", join(dir, "a")],
    /--families: expected one of mlp, cnn, transformer, meanfield, got "resnet"/,
  );
  const file = join(dir, "x.txt");
  writeFileSync(file, "keep me");
  await expectUsageError(
    ["paper", "--out", file, "--families", "mlp"],
    /--out .*x\.txt is a regular file; expected a directory/,
  );
  assert.equal(readFileSync(file, "utf8"), "keep me");
  await expectUsageError(
    ["paper", "--calibration-reps", "3", "--out", join(dir, "b")],
    /--calibration-reps: expected an integer >= 10, got 3/,
  );
  await expectUsageError(
    ["paper", "--monitor-seeds", "0", "--out", join(dir, "c"), "--store", join(dir, "runs.db")],
    /--monitor-seeds: expected an integer in \[1, 10\], got 0/,
  );
  assert.ok(!existsSync(join(dir, "runs.db")), "no store created on bad input");
  assert.ok(!existsSync(join(dir, "a")) && !existsSync(join(dir, "b")), "nothing written on bad input");
});
