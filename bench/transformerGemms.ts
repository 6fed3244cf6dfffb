/**
 * The OpenBLAS products of one transformer-step-compiled step (src/compiled/transformerGrad.ts,
 * attentionPlan.ts) for its one block on R = N·T = 1 536 rows, with the plan's shapes and transpose
 * flags: forward q, k, v, the output projection, fc1, fc2 and the unembedding; backward each one's
 * input cotangent and weight gradient — for `npm run bench:profile` (./stepProfile.ts). The small
 * attention products are not GEMMs: they count with the rest.
 */
import { gemmDispatch } from "../src/core/backends/gemm/index.ts";
import { trCfg } from "./workloads.ts";

export function bareTransformerGemms(): () => void {
  const { d, mlp: m, vocab: V } = trCfg;
  const R = 512 * 3;
  const arr = (n: number) => new Float64Array(n).map((_, i) => Math.sin(i));
  const rows = (n: number, width: number) => Array.from({ length: n }, () => arr(R * width));
  const [a, q, k, v, z, out, ln2, y, f, gn, dz, tmp] = rows(12, d);
  const [h, gh] = rows(2, m);
  const logits = arr(R * V);
  const [wq, wk, wv, wo, dw] = Array.from({ length: 5 }, () => arr(d * d));
  const [w1, w2, dw1, dw2] = [arr(m * d), arr(d * m), arr(m * d), arr(d * m)];
  const [wu, dwu] = [arr(V * d), arr(V * d)];
  return () => {
    gemmDispatch(R, d, d, a, 0, false, wq, 0, true, q, 0);
    gemmDispatch(R, d, d, a, 0, false, wk, 0, true, k, 0);
    gemmDispatch(R, d, d, a, 0, false, wv, 0, true, v, 0);
    gemmDispatch(R, d, d, z, 0, false, wo, 0, true, out, 0);
    gemmDispatch(R, m, d, ln2, 0, false, w1, 0, true, h, 0);
    gemmDispatch(R, d, m, h, 0, false, w2, 0, true, y, 0);
    gemmDispatch(R, V, d, f, 0, false, wu, 0, true, logits, 0);
    gemmDispatch(R, d, V, logits, 0, false, wu, 0, false, gn, 0);
    gemmDispatch(V, d, R, logits, 0, true, f, 0, false, dwu, 0);
    gemmDispatch(R, m, d, y, 0, false, w2, 0, false, gh, 0);
    gemmDispatch(d, m, R, y, 0, true, h, 0, false, dw2, 0);
    gemmDispatch(R, d, m, gh, 0, false, w1, 0, false, gn, 0);
    gemmDispatch(m, d, R, gh, 0, true, ln2, 0, false, dw1, 0);
    gemmDispatch(R, d, d, y, 0, false, wo, 0, false, dz, 0);
    gemmDispatch(d, d, R, y, 0, true, z, 0, false, dw, 0);
    for (const w of [wv, wk, wq]) {
      gemmDispatch(d, d, R, q, 0, true, a, 0, false, dw, 0);
      gemmDispatch(R, d, d, q, 0, false, w, 0, false, tmp, 0);
    }
  };
}
