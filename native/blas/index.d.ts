type Gemm<T> = (
  m: number,
  n: number,
  k: number,
  a: T,
  aOff: number,
  transA: boolean,
  b: T,
  bOff: number,
  transB: boolean,
  c: T,
  cOff: number,
) => void;
export declare const available: boolean;
export declare const reason: string;
export declare const path: string;
export declare const dgemm: Gemm<Float64Array> | undefined;
export declare const setThreads: ((n: number) => void) | undefined;
export declare const getThreads: (() => number) | undefined;
export declare const config: (() => string) | undefined;
export declare const corename: (() => string) | undefined;
/** out[r,j] ← out[r,j] + b[j], then relu (v > 0 ? v : 0) when `relu`; rows × n row-major. */
export declare const biasAct:
  ((out: Float64Array, b: Float64Array, rows: number, n: number, relu: boolean) => void) | undefined;
/** dx[i] ← x[i] > 0 ? g[i] : 0 over x's length. */
export declare const reluMask: ((g: Float64Array, x: Float64Array, dx: Float64Array) => void) | undefined;
/** dx[i] ← g[i]·(1 − y[i]²) over y's length. */
export declare const tanhMask: ((g: Float64Array, y: Float64Array, dx: Float64Array) => void) | undefined;
/** out[j] ← Σ_r a[r,j], rows summed in order from 0. */
export declare const colSums: ((a: Float64Array, rows: number, n: number, out: Float64Array) => void) | undefined;
/** acc[i] ← acc[i] + x[i] for i < n. */
export declare const addTo: ((acc: Float64Array, x: Float64Array, n: number) => void) | undefined;
/** out[i] ← th[i] − lr·g[i] (wd = 0) or th[i] − lr·(g[i] + wd·th[i]), over th's length. */
export declare const sgd:
  ((th: Float64Array, g: Float64Array, out: Float64Array, lr: number, wd: number) => void) | undefined;
/** sum ← x + (y + bias) (bias null: x + y), then the layer norm of each row of sum into out, μ and 1/σ per row. */
export declare const addLayerNorm:
  | ((
      x: Float64Array,
      y: Float64Array,
      bias: Float64Array | null,
      rows: number,
      d: number,
      gamma: Float64Array,
      beta: Float64Array,
      eps: number,
      sum: Float64Array,
      out: Float64Array,
      mean: Float64Array,
      rstd: Float64Array,
    ) => void)
  | undefined;
/** The layer norm's reverse pass plus base (null: none) into dx; dγ, dβ accumulated. */
export declare const layerNormBackwardAdd:
  | ((
      g: Float64Array,
      x: Float64Array,
      rows: number,
      d: number,
      gamma: Float64Array,
      mean: Float64Array,
      rstd: Float64Array,
      base: Float64Array | null,
      dx: Float64Array,
      dgamma: Float64Array,
      dbeta: Float64Array,
    ) => void)
  | undefined;
/** dx ← h > 0 ? g : 0 (rows × n), db[j] ← Σ_r dx[r, j] in row order from 0. */
export declare const reluBackwardColSums:
  ((g: Float64Array, h: Float64Array, rows: number, n: number, dx: Float64Array, db: Float64Array) => void) | undefined;
/** One leaf of Adam/AdamW over th's length (src/core/kernels/adamLeaf.ts's arithmetic); outputs may be inputs. */
export declare const adam:
  | ((
      th: Float64Array,
      g: Float64Array,
      m0: Float64Array,
      v0: Float64Array,
      out: Float64Array,
      m1: Float64Array,
      v1: Float64Array,
      shrink: number,
      l2: number,
      b1: number,
      b2: number,
      stepSize: number,
      bc2Sqrt: number,
      eps: number,
    ) => void)
  | undefined;
/** [N, T, H, dh] → [N, H, T, dh] (inverse: back); src and dst distinct. */
export declare const permuteHeads:
  | ((src: Float64Array, dst: Float64Array, N: number, T: number, H: number, dh: number, inverse: boolean) => void)
  | undefined;
/** c_t = a_t · b_tᵀ for t < nb (a_t [m, k] at t·strideA, b_t [n, k] at t·strideB, c_t [m, n]), k ≥ 4: the small-product kernel's sums. */
export declare const dotBatched:
  | ((
      nb: number,
      m: number,
      n: number,
      k: number,
      a: Float64Array,
      strideA: number,
      b: Float64Array,
      strideB: number,
      c: Float64Array,
    ) => void)
  | undefined;
/** c_t = op(a_t) · b_t for t < nb (b_t [k, n] at t·strideB), n ≥ 4, k ≥ 2: the small-product kernel's scaled-rows sums. */
export declare const rowsBatched:
  | ((
      nb: number,
      m: number,
      n: number,
      k: number,
      a: Float64Array,
      strideA: number,
      transA: boolean,
      b: Float64Array,
      strideB: number,
      c: Float64Array,
    ) => void)
  | undefined;
/** Row-wise softmax over rows × d, shifted by the row max (0 when not finite); out may be x. */
export declare const softmaxRows: ((x: Float64Array, rows: number, d: number, out: Float64Array) => void) | undefined;
/** Row-wise log-softmax over rows × d, shifted by the row max (0 when not finite); out may be x. */
export declare const logSoftmaxRows:
  ((x: Float64Array, rows: number, d: number, out: Float64Array) => void) | undefined;
/** dx = g − exp(y)·Σ g per row (y the log-softmax output); dx may be g. */
export declare const logSoftmaxBackward:
  ((g: Float64Array, y: Float64Array, rows: number, d: number, dx: Float64Array) => void) | undefined;
/**
 * Softmax cross-entropy of z (rows × C) against integer labels: logp ← log-softmax of z, gz ← the
 * loss's gradient; returns −mean log p[label] (with perRow: each row's −log p[label] there, returns 0).
 */
export declare const xentSeed:
  | ((
      z: Float64Array,
      labels: Float64Array,
      rows: number,
      C: number,
      logp: Float64Array,
      gz: Float64Array,
      perRow: Float64Array | null,
    ) => number)
  | undefined;
/** out[i] = Math.exp(x[i]), the same bits (fdlibm's exp, as V8's). */
export declare const expInto: ((x: Float64Array, out: Float64Array) => void) | undefined;
/** out[i] = Math.log(x[i]), the same bits (fdlibm's log, as V8's). */
export declare const logInto: ((x: Float64Array, out: Float64Array) => void) | undefined;
/**
 * x0[r] ← E[tok[r]] + P[r mod T] (rows of d), then with gamma the layer norm of each row into out, μ and
 * 1/σ per row (addLayerNorm's row arithmetic); tokens are checked to be rows of E.
 */
export declare const embedLayerNorm:
  | ((
      E: Float64Array,
      P: Float64Array,
      tok: Int32Array,
      rows: number,
      T: number,
      d: number,
      gamma: Float64Array | null,
      beta: Float64Array | null,
      eps: number,
      x0: Float64Array,
      out: Float64Array | null,
      mean: Float64Array | null,
      rstd: Float64Array | null,
    ) => void)
  | undefined;
/** dE[tok[r]] ← dE[tok[r]] + g[r] for the rows of d, r in order. */
export declare const scatterAddRows:
  ((g: Float64Array, tok: Int32Array, rows: number, d: number, dE: Float64Array) => void) | undefined;
/** N·H products (u, h): operand x at u·xN + h·xH; `form`: a's row stride (dotHeads) or transA (rowsHeads). */
type HeadsProducts<Form> = (
  N: number,
  H: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aN: number,
  aH: number,
  form: Form,
  b: Float64Array,
  bN: number,
  bH: number,
  ldb: number,
  c: Float64Array,
  cN: number,
  cH: number,
  ldc: number,
) => void;
/** dotBatched's sums for the N·H products, a [m, k] and b [n, k] with rows lda, ldb apart, c rows ldc apart. */
export declare const dotHeads: HeadsProducts<number> | undefined;
/** rowsBatched's sums for the N·H products: a_t whole ([m, k], transA: [k, m]), rows of b and c ldb, ldc apart. */
export declare const rowsHeads: HeadsProducts<boolean> | undefined;
/** Row r (n values) from src at sOff + r·sStride to dst at dOff + r·dStride, r < rows (src and dst distinct). */
export declare const copyRows:
  | ((
      src: Float64Array,
      sOff: number,
      sStride: number,
      dst: Float64Array,
      dOff: number,
      dStride: number,
      rows: number,
      n: number,
    ) => void)
  | undefined;
/**
 * C = Aᵀ·B (A k × m, B k × n, C m × n, row-major from the offsets), each element one FMA chain over
 * p in order with the terms whose A[p, j] is zero left out; false (C unspecified) when it declined
 * (no AVX-512, A more than 70 % nonzero, k > 2048, or B not finite).
 */
export declare const skipZerosTN:
  | ((
      m: number,
      n: number,
      k: number,
      a: Float64Array,
      aOff: number,
      b: Float64Array,
      bOff: number,
      c: Float64Array,
      cOff: number,
    ) => boolean)
  | undefined;
/** Whether skipZerosTN gives cblas_dgemm's bits for an m × n × k product (probed on order-sensitive operands). */
export declare const skipZerosProbe: ((m: number, n: number, k: number) => boolean) | undefined;
