/**
 * Multi-head attention of one transformer block on preallocated buffers (docs/performance.md
 * §compiled-transformer), forward and reverse, with the arithmetic of the eager `attention`
 * (src/nn/families/transformer.ts) and its reverse pass op by op:
 *
 *   forward   q, k, v = a Wqᵀ, a Wkᵀ, a Wvᵀ (one GEMM each over all N·T rows), permuted to
 *             [N, H, T, dh]; S = q kᵀ (N·H batched T×T products) scaled by 1/√dh and, causal,
 *             −∞ above the diagonal (scale and mask in one pass); A = softmax(S); Z = A v,
 *             permuted back to [N·T, H·dh]; out = Z Woᵀ;
 *   reverse   dZ = g Wo, dWo = gᵀ Z; dA = dZ vᵀ, dv = Aᵀ dZ; dS = softmax'(dA) masked and scaled;
 *             dq = dS k, dk = dSᵀ q; da = ((da_v + da_k) + da_q) with da_x = dx Wx, dWx = dxᵀ a —
 *             the sum in the order the eager pass accumulates it (v's branch reaches `a` first,
 *             then k's, then q's), after the residual's cotangent when `a` is the residual stream
 *             itself (norm "none").
 *
 * Every product is the eager path's GEMM call with the same shapes and transpose flags, and every
 * element-wise step the same expression, so the results are the same bit for bit. When the N·H
 * small products go to the streaming kernels (the bench's T = 3, dh = 16), they read and write the
 * heads in place in the [N·T, H·dh] rows (dotHeads, rowsHeads: the same sums on other addresses)
 * and the eight permutes are skipped.
 */
import { batchedStreamForm, gemmBatched, gemmDispatch, streamKernels } from "../core/backends/gemm/index.ts";
import { softmaxBackward } from "../core/kernels/fused.ts";

export interface AttentionPlan {
  /** out ← Attn(a) for a [N·T, d]; keeps what the reverse pass needs. */
  forward(
    a: Float64Array,
    wq: Float64Array,
    wk: Float64Array,
    wv: Float64Array,
    wo: Float64Array,
    out: Float64Array,
  ): void;
  /**
   * The reverse pass for the cotangent g of the output: writes dWq, dWk, dWv, dWo and
   * da = (base + …) or the three branches' sum (base null) into `da` (which may be `base`).
   */
  backward(
    g: Float64Array,
    a: Float64Array,
    w: { q: Float64Array; k: Float64Array; v: Float64Array; o: Float64Array },
    dw: { q: Float64Array; k: Float64Array; v: Float64Array; o: Float64Array },
    base: Float64Array | null,
    da: Float64Array,
  ): void;
}

export function compileAttention(
  N: number,
  T: number,
  d: number,
  H: number,
  dh: number,
  causal: boolean,
): AttentionPlan {
  const R = N * T,
    hd = H * dh,
    nb = N * H,
    TT = T * T,
    Tdh = T * dh;
  const scale = 1 / Math.sqrt(dh);
  // keep[i·T + j] = 1 where query i may attend to key j (causal: j ≤ i).
  const keep = new Uint8Array(TT);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) keep[i * T + j] = !causal || j <= i ? 1 : 0;
  const flat = () => new Float64Array(R * hd);
  const qf = flat(),
    kf = flat(),
    vf = flat(); // [N·T, H·dh]: products, then reused for the cotangents dq, dk, dv
  const qp = flat(),
    kp = flat(),
    vp = flat(); // [N, H, T, dh]
  const zp = flat(); // Z, then dZ in [N, H, T, dh]
  const zf = flat(); // Z in [N·T, H·dh]
  const dzf = flat(); // dZ in [N·T, H·dh]
  const dqp = flat(),
    dkp = flat(),
    dvp = flat();
  const s = new Float64Array(nb * TT); // scores, then dS
  const p = new Float64Array(nb * TT); // softmax weights A
  const dp = new Float64Array(nb * TT); // dA
  const tmp = new Float64Array(R * d);

  // Heads read in place (u, h): rows of [N·T, H·dh] at u·T·hd + h·dh, hd apart; [N, H, T, T] at (u·H + h)·T².
  const rowN = T * hd,
    sqN = H * TT;
  /**
   * Whether this run reads the heads in place: when gemmBatched would hand all six small products to
   * the streaming kernels' batched forms (../core/backends/gemm/index.ts), whose sums dotHeads and
   * rowsHeads compute on the unpermuted rows; otherwise the heads are permuted and gemmBatched runs.
   */
  const headsInPlace = (): boolean =>
    batchedStreamForm(T, T, dh, false, true) === "dot" &&
    batchedStreamForm(T, dh, T, false, false) === "rows" &&
    batchedStreamForm(T, dh, T, true, false) === "rows";
  let inPlace = false; // the forward pass's choice, which its reverse pass follows

  /** [N, T, H, dh] → [N, H, T, dh] (inverse: false) or back: copies (the streaming kernel). */
  const permute = (src: Float64Array, dst: Float64Array, inverse: boolean): void =>
    streamKernels().permuteHeads(src, dst, N, T, H, dh, inverse);

  return {
    forward(a, wq, wk, wv, wo, out) {
      gemmDispatch(R, hd, d, a, 0, false, wq, 0, true, qf, 0);
      gemmDispatch(R, hd, d, a, 0, false, wk, 0, true, kf, 0);
      gemmDispatch(R, hd, d, a, 0, false, wv, 0, true, vf, 0);
      inPlace = headsInPlace();
      const sk = streamKernels();
      if (inPlace) sk.dotHeads(N, H, T, T, dh, qf, rowN, dh, hd, kf, rowN, dh, hd, s, sqN, TT, T);
      else {
        permute(qf, qp, false);
        permute(kf, kp, false);
        permute(vf, vp, false);
        gemmBatched(nb, T, T, dh, qp, Tdh, false, kp, Tdh, true, s);
      }
      // mul(S, 1/√dh), then where(mask, ·, −∞).
      for (let b = 0; b < s.length; b += TT)
        for (let i = 0; i < TT; i++) s[b + i] = keep[i] !== 0 ? s[b + i] * scale : -Infinity;
      sk.softmaxRows(s, nb * T, T, p); // the streaming kernel: native, V8's exp ported (the same bits)
      if (inPlace) sk.rowsHeads(N, H, T, dh, T, p, sqN, TT, false, vf, rowN, dh, hd, zf, rowN, dh, hd);
      else {
        gemmBatched(nb, T, dh, T, p, TT, false, vp, Tdh, false, zp);
        permute(zp, zf, true);
      }
      gemmDispatch(R, d, hd, zf, 0, false, wo, 0, true, out, 0);
    },
    backward(g, a, w, dw, base, da) {
      gemmDispatch(R, hd, d, g, 0, false, w.o, 0, false, dzf, 0);
      gemmDispatch(d, hd, R, g, 0, true, zf, 0, false, dw.o, 0);
      const sk = streamKernels();
      // In place: dV over v (read only by dA, before), dK over k (read only by dQ, before), dQ into qp.
      const dq = inPlace ? qp : qf;
      if (inPlace) {
        sk.dotHeads(N, H, T, T, dh, dzf, rowN, dh, hd, vf, rowN, dh, hd, dp, sqN, TT, T);
        sk.rowsHeads(N, H, T, dh, T, p, sqN, TT, true, dzf, rowN, dh, hd, vf, rowN, dh, hd);
      } else {
        permute(dzf, zp, false);
        gemmBatched(nb, T, T, dh, zp, Tdh, false, vp, Tdh, true, dp);
        gemmBatched(nb, T, dh, T, p, TT, true, zp, Tdh, false, dvp);
      }
      softmaxBackward(dp, p, nb * T, T, s);
      // where's reverse (0 where masked), then mul's (· 1/√dh).
      for (let b = 0; b < s.length; b += TT)
        for (let i = 0; i < TT; i++) s[b + i] = keep[i] !== 0 ? s[b + i] * scale : 0;
      if (inPlace) {
        sk.rowsHeads(N, H, T, dh, T, s, sqN, TT, false, kf, rowN, dh, hd, dq, rowN, dh, hd);
        sk.rowsHeads(N, H, T, dh, T, s, sqN, TT, true, qf, rowN, dh, hd, kf, rowN, dh, hd);
      } else {
        gemmBatched(nb, T, dh, T, s, TT, false, kp, Tdh, false, dqp);
        gemmBatched(nb, T, dh, T, s, TT, true, qp, Tdh, false, dkp);
        permute(dvp, vf, true);
        permute(dkp, kf, true);
        permute(dqp, qf, true);
      }
      // The branches in the order the eager pass reaches a: v, k, q; each sum is prev + next.
      const branches: [Float64Array, Float64Array, Float64Array][] = [
        [vf, w.v, dw.v],
        [kf, w.k, dw.k],
        [dq, w.q, dw.q],
      ];
      let acc = base;
      for (const [dx, wx, dwx] of branches) {
        gemmDispatch(hd, d, R, dx, 0, true, a, 0, false, dwx, 0);
        if (acc === null) {
          gemmDispatch(R, d, hd, dx, 0, false, wx, 0, false, da, 0);
          acc = da;
          continue;
        }
        gemmDispatch(R, d, hd, dx, 0, false, wx, 0, false, tmp, 0);
        if (acc === da)
          streamKernels().addTo(da, tmp, tmp.length); // da[i] + tmp[i], the same operand order
        else for (let i = 0; i < tmp.length; i++) da[i] = acc[i] + tmp[i];
        acc = da;
      }
    },
  };
}
