/**
 * `shocklens entropy --method auto --json` on exactly quadratic models (linear regressions with 4,
 * 20 and 100 parameters, mse, weights away from the minimum) at β·t·|∇f|² from 0.01 to 1e4
 * (docs/local-entropy.md §calibration): every answer is within 4 of its reported standard errors
 * of the closed form docs/theory.md §C1, for u and for |∇u|, or carries `stderr: null` with the
 * reason. Never a confident wrong number. Minutes of CPU (the smc cross-check at n = 100), so it
 * runs only with SHOCKLENS_E2E=1:
 *
 *   SHOCKLENS_E2E=1 node --import tsx --test test/e2e/entropy-cli-quadratic.test.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCliInProcess, tempDir } from "../cli/helpers.ts";
import { linearRegression } from "../cli/linearRegression.ts";

const skip = process.env.SHOCKLENS_E2E === "1" ? false : "set SHOCKLENS_E2E=1 (minutes of CPU)";
const t = 0.3;
const SEEDS = 3;

for (const features of [3, 19, 99])
  test(
    `linear regression with ${features + 1} parameters: --method auto is within 4 stderr of §C1 or withdraws`,
    { skip },
    async () => {
      const lr = linearRegression(tempDir(), "lr", features);
      assert.equal(lr.params, features + 1);
      for (const g2 of [0.01, 1, 100, 1e4]) {
        const beta = g2 / (t * lr.gradSq);
        const [u, gradNorm] = [lr.u(t, beta), lr.gradNorm(t)];
        for (let seed = 0; seed < SEEDS; seed++) {
          const args = ["entropy", ...lr.args, "--t", String(t), "--beta", String(beta), "--method", "auto"];
          const r = await runCliInProcess([...args, "--seed", String(seed), "--json"]);
          assert.equal(r.code, 0, r.stderr);
          const s = JSON.parse(r.stdout);
          assert.notEqual(s.method, "auto", "the estimator that answered");
          assert.ok(s.auto.reason.length > 0);
          const what = `n = ${lr.params}, β·t·|∇f|² = ${g2}, seed ${seed} (${s.estimator})`;
          if (s.stderr === null) {
            assert.equal(s.reliability.certified, false);
            assert.ok(s.reliability.reason.length > 0, `${what}: withdrawn without a reason`);
            process.stderr.write(`${what}: withdrawn: ${s.reliability.reason}\n`);
            continue;
          }
          const zu = (s.u - u) / s.stderr;
          const zg = (s.gradNorm - gradNorm) / s.gradNormStderr;
          process.stderr.write(`${what}: z(u) = ${zu.toFixed(2)}, z(|∇u|) = ${zg.toFixed(2)}\n`);
          // the rounding floor: an exact estimator's error is rounding, not sampling
          const floor = 1e-12 * Math.max(1, Math.abs(u));
          assert.ok(Math.abs(s.u - u) <= 4 * s.stderr + floor, `${what}: u ${s.u} ± ${s.stderr} vs ${u}`);
          assert.ok(
            Math.abs(s.gradNorm - gradNorm) <= 4 * s.gradNormStderr + 1e-12 * Math.max(1, gradNorm),
            `${what}: |∇u| ${s.gradNorm} ± ${s.gradNormStderr} vs ${gradNorm}`,
          );
        }
      }
    },
  );
