/**
 * The thin products of a compiled tanh plan (./mlpGrad.ts) on the WebAssembly kernels of
 * ../core/kernels/thinWasm.ts, in the plan's tanh memory: x·W₁ᵀ with two inputs, the one-output
 * layer a·wᵀ and its backward products g·w and gᵀa, and the first layer's weight gradient gᵀx
 * (docs/performance.md §sgld-wasm-kernels).
 * A product goes there only when gemmDispatch would hand it to the plain kernel and the plain
 * kernel would evaluate it with the expression the WebAssembly kernel reproduces — or, for the
 * one-output layer's backward products, when gemmDispatch would run them in small.wasm, whose
 * kernels thin.wasm compiles from the same source — so the plan's numbers stay the same bit for
 * bit; every other product returns false and the caller calls gemmDispatch as before. The
 * activations and cotangents are already in that memory; the batch (when it has fewer than four
 * columns), a layer's weights and a weight gradient of fewer than four columns are copied (at
 * most a few hundred doubles per step).
 */
import { routesToPlainGemm, routesToSmallGemm } from "../core/backends/gemm/index.ts";
import type { TanhWasm } from "../core/kernels/tanhWasm.ts";
import { plainUsesDotCol, plainUsesDotK2, plainUsesRowSums, thinWasmOver } from "../core/kernels/thinWasm.ts";

export interface ThinProducts {
  /** Called at the start of a forward pass with the batch (copied in when a kernel reads it). */
  setInput(x: Float64Array): void;
  /** a[l] = a[l−1]·W_lᵀ when a thin kernel takes it (true); false: the caller runs the GEMM. */
  forward(l: number, w: Float64Array): boolean;
  /** dst[off …] = g[l]ᵀ·a[l−1] (layer l's weight gradient) when a thin kernel takes it. */
  weightGrad(l: number, dst: Float64Array, off: number): boolean;
  /**
   * out = g[l]·W_l (out: a view of the plan's memory) when layer l has one output and
   * gemmDispatch would run this outer product in small.wasm's `outer` (true); false: the caller
   * runs the GEMM.
   */
  backward(l: number, w: Float64Array, out: Float64Array): boolean;
}

/** Doubles of the plan's tanh memory these products need besides the plan's own buffers. */
export function thinProductsRoom(d: readonly number[], rows: number): number {
  let w = 0;
  for (let l = 1; l < d.length; l++) w = Math.max(w, d[l] * d[l - 1]);
  return rows * d[0] + 2 * w + 6;
}

/**
 * The products for a plan with layer widths d and `rows` rows whose activations a[l] and
 * cotangents g[l] (l ≥ 1) live in `tw`'s memory (allocated there by the plan, with
 * thinProductsRoom(d, rows) doubles to spare), or null when thin.wasm is unavailable.
 */
export function thinProducts(
  tw: TanhWasm,
  d: readonly number[],
  rows: number,
  a: readonly Float64Array[],
  g: readonly Float64Array[],
): ThinProducts | null {
  const thin = thinWasmOver(tw.memory);
  if (thin === null) return null;
  const room = (n: number): Float64Array => {
    const v = tw.alloc(n);
    if (v === null) throw new Error("compile: the plan's tanh memory is too small"); // thinProductsRoom counts these
    return v;
  };
  let wMax = 0;
  for (let l = 1; l < d.length; l++) wMax = Math.max(wMax, d[l] * d[l - 1]);
  const copyX = d[0] < 4; // the batch is an operand of a thin kernel only with fewer than four columns
  const xBuf = room(rows * d[0]),
    wBuf = room(wMax),
    cBuf = room(wMax);
  const heap = new Float64Array(tw.memory.buffer);
  const xAt = tw.offsetOf(xBuf),
    wAt = tw.offsetOf(wBuf),
    cAt = tw.offsetOf(cBuf);
  // Byte offset of layer l − 1's output (the batch's copy for l = 1).
  const inAt = (l: number): number => (l === 1 ? xAt : tw.offsetOf(a[l - 1]));
  const copy = (src: Float64Array, at: number, n: number): void => {
    if (n <= 64) for (let i = 0; i < n; i++) heap[at + i] = src[i];
    else heap.set(src.length === n ? src : src.subarray(0, n), at);
  };
  return {
    setInput(x) {
      if (copyX) copy(x, xAt >> 3, rows * d[0]);
    },
    forward(l, w) {
      const n = d[l],
        k = d[l - 1];
      if ((l === 1 && !copyX) || !routesToPlainGemm(rows, n, k)) return false;
      const out = tw.offsetOf(a[l]);
      if (plainUsesDotK2(rows, n, k, false, true)) {
        copy(w, wAt >> 3, n * k);
        thin.dotK2(rows, n, inAt(l), k, wAt, out);
      } else if (plainUsesDotCol(rows, n, k, false, true)) {
        copy(w, wAt >> 3, n * k);
        thin.dotCol(rows, k, inAt(l), k, wAt, out);
      } else return false;
      return true;
    },
    weightGrad(l, dst, off) {
      const m = d[l],
        n = d[l - 1];
      if (l === 1 && !copyX) return false;
      if (m === 1 && routesToSmallGemm(1, n, rows))
        thin.vecmat(n, rows, tw.offsetOf(g[l]), inAt(l), cAt); // gᵀa with one output: small.wasm's vecmat
      else if (routesToPlainGemm(m, n, rows) && plainUsesRowSums(m, n, rows, true, false))
        thin.rowSums(m, n, rows, tw.offsetOf(g[l]), 1, m, inAt(l), cAt);
      else return false;
      const len = m * n,
        c = cAt >> 3;
      for (let i = 0; i < len; i++) dst[off + i] = heap[c + i];
      return true;
    },
    backward(l, w, out) {
      const n = d[l - 1];
      if (d[l] !== 1 || !routesToSmallGemm(rows, n, 1)) return false;
      copy(w, wAt >> 3, n);
      thin.outer(rows, n, tw.offsetOf(g[l]), wAt, tw.offsetOf(out));
      return true;
    },
  };
}
