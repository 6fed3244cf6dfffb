/**
 * persample-medium-*-compiled: the per-sample workloads (docs/performance.md §persample-medium-loop)
 * through the library's compiled per-sample plan (src/compiled/perSample.ts), timed against the same
 * torch lines as their eager forms.
 */
import { leaves } from "../src/core/tree.ts";
import { compilePerSampleGrads, type PerSampleForm } from "../src/compiled/perSample.ts";
import { mlpCfg, mlpParams, mnistBatch, persampleCheck } from "./workloads.ts";

const N = 32;

/**
 * `fresh`: new (32, …) output arrays every call, like functorch's vmap (persample-medium-vmap-compiled);
 * otherwise the outputs are allocated once and reused, like torch's loop (persample-medium-loop-compiled).
 */
export function persampleMediumCompiled(form: PerSampleForm, fresh: boolean) {
  const { X, y } = mnistBatch();
  const x = X.data.subarray(0, N * 784);
  const t = y.data.subarray(0, N);
  const params = leaves(mlpParams(256));
  const pl = params.map((p) => p.data);
  const plan = compilePerSampleGrads(mlpCfg(256, "relu"), "xent", N, { form });
  const run = fresh
    ? () =>
        plan.run(
          pl,
          x,
          t,
          pl.map((p) => new Float64Array(N * p.length)),
        )
    : () => plan.run(pl, x, t);
  return {
    run,
    check: () => persampleCheck(plan.values, run(), params),
  };
}
