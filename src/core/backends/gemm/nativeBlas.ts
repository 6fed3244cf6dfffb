/**
 * The `native-blas` GEMM backend: the `shocklens-blas` package (native/blas), an N-API addon over
 * OpenBLAS's cblas_dgemm. It is an optionalDependency whose install step builds only where
 * OpenBLAS is present; loading it elsewhere fails with the reason the package gives.
 */
import { createRequire } from "node:module";
import type { BackendEntry } from "../registry.ts";
import type { GemmBackend, SkipZerosFn } from "./types.ts";
import type { GemmFn } from "../../kernels/matmul.ts";
import { typescriptStream, type StreamKernels } from "../../kernels/stream.ts";
import { checkLabels } from "../../kernels/softmaxXent.ts";

export interface NativeBlas {
  dgemm: GemmFn;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
  corename(): string;
  path: string;
  /** The streaming kernels of native/blas/src/stream.c (absent from builds that predate them). */
  biasAct?: StreamKernels["biasAct"];
  reluMask?: StreamKernels["reluMask"];
  tanhMask?: StreamKernels["tanhMask"];
  colSums?: StreamKernels["colSums"];
  addTo?: StreamKernels["addTo"];
  sgd?: StreamKernels["sgd"];
  addLayerNorm?: StreamKernels["addLayerNorm"];
  layerNormBackwardAdd?: StreamKernels["layerNormBackwardAdd"];
  reluBackwardColSums?: StreamKernels["reluBackwardColSums"];
  adam?: StreamKernels["adam"];
  permuteHeads?: StreamKernels["permuteHeads"];
  dotBatched?: StreamKernels["dotBatched"];
  rowsBatched?: StreamKernels["rowsBatched"];
  /** The softmax kernels of native/blas/src/softmax.c, with Math.exp's and Math.log's bits. */
  softmaxRows?: StreamKernels["softmaxRows"];
  logSoftmaxRows?: StreamKernels["logSoftmaxRows"];
  logSoftmaxBackward?: StreamKernels["logSoftmaxBackward"];
  xentSeed?: StreamKernels["xentSeed"];
  /** out[i] = Math.exp(x[i]) / Math.log(x[i]), the same bits (the ported functions, for their tests). */
  expInto?: (x: Float64Array, out: Float64Array) => void;
  logInto?: (x: Float64Array, out: Float64Array) => void;
  embedLayerNorm?: StreamKernels["embedLayerNorm"];
  scatterAddRows?: StreamKernels["scatterAddRows"];
  dotHeads?: StreamKernels["dotHeads"];
  rowsHeads?: StreamKernels["rowsHeads"];
  copyRows?: StreamKernels["copyRows"];
  /** native/blas/src/sparse.c: Aᵀ·B skipping A's zeros (false: declined), and its probe against dgemm. */
  skipZerosTN?: SkipZerosFn;
  skipZerosProbe?: (m: number, n: number, k: number) => boolean;
}

/** The addon; throws with the package's reason when it is not built or not installed. */
export function loadNativeBlas(): NativeBlas {
  let mod: { available: boolean; reason: string } & Partial<NativeBlas>;
  try {
    mod = createRequire(import.meta.url)("shocklens-blas");
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new Error(`shocklens-blas is not installed (${why})`, { cause: e });
  }
  if (!mod.available || typeof mod.dgemm !== "function")
    throw new Error(mod.reason || "shocklens-blas is not available");
  const blas = mod as NativeBlas;
  // One thread unless asked otherwise (OpenBLAS would start one per core).
  blas.setThreads(1);
  return blas;
}

/** Measured crossover on a 2-core Zen VM: below 4096 multiply-adds the plain kernel is as fast. */
const MIN_MUL_ADDS = 4096;

export const nativeBlasGemm: BackendEntry<GemmBackend> = {
  name: "native-blas",
  summary: "OpenBLAS through the optional shocklens-blas addon",
  load() {
    const blas = loadNativeBlas();
    return {
      dgemm: blas.dgemm,
      minMulAdds: MIN_MUL_ADDS,
      minRows: 1,
      smallKernels: true,
      setThreads: (n) => blas.setThreads(n),
      skipZerosTN: skipZerosAtOneThread(blas),
      skipZerosReport: () => skipZerosReport(blas),
      stream: nativeStream(blas),
      detail: `${blas.config().trim()} (core ${blas.corename()}), ${blas.path}`,
    };
  },
  detail: (b) => b.detail,
};

/** The largest operand (values) the probe builds (native/blas/src/sparse.c): larger products run dense. */
const SKIP_ZEROS_PROBE_MAX = 1 << 24;

/**
 * The addon's Aᵀ·B that skips A's zeros (docs/performance.md §skipping-relu-zeros), for the shapes
 * where it gives OpenBLAS's bits: at one OpenBLAS thread (with more, OpenBLAS splits the product
 * and is the faster anyway), and only for a shape whose probe — both kernels on the same
 * order-sensitive operands, compared bit for bit — matched (probed once per shape per process:
 * about 2 ms for 64 × 784 × 128). Elsewhere it declines and the caller runs dgemm.
 */
function skipZerosAtOneThread(blas: NativeBlas): SkipZerosFn | undefined {
  const { skipZerosTN, skipZerosProbe } = blas;
  if (skipZerosTN === undefined || skipZerosProbe === undefined) return undefined;
  const matches = new Map<string, boolean>();
  return (m, n, k, a, aOff, b, bOff, c, cOff) => {
    // OpenBLAS's own count (whoever set it), asked per product: these products take ≥ 0.1 ms.
    if (
      blas.getThreads() !== 1 ||
      m * k > SKIP_ZEROS_PROBE_MAX ||
      k * n > SKIP_ZEROS_PROBE_MAX ||
      m * n > SKIP_ZEROS_PROBE_MAX
    )
      return false;
    const shape = `${m}x${n}x${k}`;
    let ok = matches.get(shape);
    if (ok === undefined) matches.set(shape, (ok = skipZerosProbe(m, n, k)));
    return ok && skipZerosTN(m, n, k, a, aOff, b, bOff, c, cOff);
  };
}

/** Whether skipZerosTN runs here: its probe on 64 × 784 × 128, the weight gradient of a 784 → 64 relu layer on 128 rows. */
function skipZerosReport(blas: NativeBlas): { active: boolean; detail: string } {
  if (blas.skipZerosProbe === undefined) return { active: false, detail: "this build of the addon has none" };
  const threads = blas.getThreads();
  if (threads !== 1) return { active: false, detail: `at ${threads} OpenBLAS threads (it runs at one only)` };
  return blas.skipZerosProbe(64, 784, 128)
    ? { active: true, detail: "relu weight gradients skip zeros (probe on 64×784×128: OpenBLAS's bits)" }
    : {
        active: false,
        detail: `the probe on 64×784×128 did not give OpenBLAS's bits (core ${blas.corename()}; or no AVX-512): dense products`,
      };
}

/**
 * Below this many elements a pass stays in TypeScript: the call into the addon (~0.2 µs) costs
 * more than the loop it replaces (~1–4 ns per element in JavaScript, well under 1 in C).
 */
export const NATIVE_STREAM_MIN = 128;

/**
 * The softmax kernels go native from this many elements: each element costs a Math.exp call in
 * JavaScript (~5–10 ns), so the call into the addon pays for itself much sooner.
 */
export const NATIVE_SOFTMAX_MIN = 32;

/** The addon's streaming kernels, each falling back to TypeScript for short arrays; undefined if the build has none. */
export function nativeStream(blas: NativeBlas): StreamKernels | undefined {
  const { biasAct, reluMask, tanhMask, colSums, addTo, sgd } = blas;
  const { addLayerNorm, layerNormBackwardAdd, reluBackwardColSums, adam, permuteHeads, dotBatched, rowsBatched } = blas;
  const { embedLayerNorm, scatterAddRows, dotHeads, rowsHeads, copyRows } = blas;
  const { softmaxRows, logSoftmaxRows, logSoftmaxBackward, xentSeed } = blas;
  if (!biasAct || !reluMask || !tanhMask || !colSums || !addTo || !sgd) return undefined;
  if (!softmaxRows || !logSoftmaxRows || !logSoftmaxBackward || !xentSeed) return undefined;
  if (!embedLayerNorm || !scatterAddRows || !dotHeads || !rowsHeads || !copyRows) return undefined;
  if (
    !addLayerNorm ||
    !layerNormBackwardAdd ||
    !reluBackwardColSums ||
    !adam ||
    !permuteHeads ||
    !dotBatched ||
    !rowsBatched
  )
    return undefined;
  const ts = typescriptStream;
  return {
    biasAct: (out, b, rows, n, relu) =>
      rows * n < NATIVE_STREAM_MIN ? ts.biasAct(out, b, rows, n, relu) : biasAct(out, b, rows, n, relu),
    reluMask: (g, x, dx) => (x.length < NATIVE_STREAM_MIN ? ts.reluMask(g, x, dx) : reluMask(g, x, dx)),
    tanhMask: (g, y, dx) => (y.length < NATIVE_STREAM_MIN ? ts.tanhMask(g, y, dx) : tanhMask(g, y, dx)),
    colSums: (a, rows, n, out) =>
      rows * n < NATIVE_STREAM_MIN ? ts.colSums(a, rows, n, out) : colSums(a, rows, n, out),
    addTo: (acc, x, n) => (n < NATIVE_STREAM_MIN ? ts.addTo(acc, x, n) : addTo(acc, x, n)),
    sgd: (th, g, out, lr, wd) => (th.length < NATIVE_STREAM_MIN ? ts.sgd(th, g, out, lr, wd) : sgd(th, g, out, lr, wd)),
    // The longer signatures as rest parameters: the size test reads them by position.
    addLayerNorm: (...a) => (a[3] * a[4] < NATIVE_STREAM_MIN ? ts.addLayerNorm : addLayerNorm)(...a),
    layerNormBackwardAdd: (...a) =>
      (a[2] * a[3] < NATIVE_STREAM_MIN ? ts.layerNormBackwardAdd : layerNormBackwardAdd)(...a),
    reluBackwardColSums: (...a) =>
      (a[2] * a[3] < NATIVE_STREAM_MIN ? ts.reluBackwardColSums : reluBackwardColSums)(...a),
    adam: (...a) => (a[0].length < NATIVE_STREAM_MIN ? ts.adam : adam)(...a),
    permuteHeads: (...a) => (a[0].length < NATIVE_STREAM_MIN ? ts.permuteHeads : permuteHeads)(...a),
    dotBatched: (...a) => (a[0] * a[1] * a[2] * a[3] < NATIVE_STREAM_MIN ? ts.dotBatched : dotBatched)(...a),
    rowsBatched: (...a) => (a[0] * a[1] * a[2] * a[3] < NATIVE_STREAM_MIN ? ts.rowsBatched : rowsBatched)(...a),
    softmaxRows: (...a) => (a[1] * a[2] < NATIVE_SOFTMAX_MIN ? ts.softmaxRows : softmaxRows)(...a),
    logSoftmaxRows: (...a) => (a[1] * a[2] < NATIVE_SOFTMAX_MIN ? ts.logSoftmaxRows : logSoftmaxRows)(...a),
    logSoftmaxBackward: (...a) => (a[2] * a[3] < NATIVE_SOFTMAX_MIN ? ts.logSoftmaxBackward : logSoftmaxBackward)(...a),
    // The labels are checked here, so that a bad one throws the TypeScript kernel's error.
    xentSeed: (z, labels, rows, C, logp, gz, perRow) => {
      if (rows * C < NATIVE_SOFTMAX_MIN) return ts.xentSeed(z, labels, rows, C, logp, gz, perRow);
      checkLabels(labels, rows, C);
      return xentSeed(z, labels, rows, C, logp, gz, perRow);
    },
    embedLayerNorm: (...a) => (a[3] * a[5] < NATIVE_STREAM_MIN ? ts.embedLayerNorm : embedLayerNorm)(...a),
    scatterAddRows: (...a) => (a[2] * a[3] < NATIVE_STREAM_MIN ? ts.scatterAddRows : scatterAddRows)(...a),
    dotHeads: (...a) => (a[0] * a[1] * a[2] * a[3] * a[4] < NATIVE_STREAM_MIN ? ts.dotHeads : dotHeads)(...a),
    rowsHeads: (...a) => (a[0] * a[1] * a[2] * a[3] * a[4] < NATIVE_STREAM_MIN ? ts.rowsHeads : rowsHeads)(...a),
    copyRows: (...a) => (a[6] * a[7] < NATIVE_STREAM_MIN ? ts.copyRows : copyRows)(...a),
  };
}
