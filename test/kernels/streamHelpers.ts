/** Shared by the streaming-kernel tests: edge-case data, bitwise comparison, the native kernels or a skip. */
import assert from "node:assert/strict";
import { loadNativeBlas, nativeStream, type NativeBlas } from "../../src/core/backends/gemm/nativeBlas.ts";
import type { StreamKernels } from "../../src/core/kernels/stream.ts";
import type { FastNormal } from "../../src/core/kernels/rng.ts";

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 5e-324, -5e-324, 2.2e-308, 1e308, -1e308, 1, -1];
export const LENGTHS = [1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 127, 128, 129, 1000];

/** n normal deviates (scaled by `scale`) with about one in six replaced by a special value, inside a larger buffer at `off`. */
export function data(rng: FastNormal, n: number, off: number, scale = 1, special = 1 / 6): Float64Array {
  const buf = rng.fill(new Float64Array(off + n + 3));
  for (let i = 0; i < buf.length; i++) {
    buf[i] *= scale;
    if (rng.uniform() < special) buf[i] = SPECIAL[Math.floor(rng.uniform() * SPECIAL.length)];
  }
  return buf.subarray(off, off + n);
}

export function assertSame(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: native ${a[i]} vs TypeScript ${b[i]}`);
}

export function nativeOrSkip(t: { skip(message: string): void }): NativeBlas | null {
  try {
    const blas = loadNativeBlas();
    assert.ok(nativeStream(blas), "the addon is built but has no streaming kernels");
    return blas;
  } catch (e) {
    t.skip(`native BLAS not available: ${(e as Error).message}`);
    return null;
  }
}

/** The raw addon kernels (no length cut-off), so that the C loops are tested on short arrays too. */
export function raw(blas: NativeBlas): StreamKernels {
  const { biasAct, reluMask, tanhMask, colSums, addTo, sgd } = blas;
  const { addLayerNorm, layerNormBackwardAdd, reluBackwardColSums, adam, permuteHeads, dotBatched, rowsBatched } = blas;
  const { embedLayerNorm, scatterAddRows, dotHeads, rowsHeads, copyRows } = blas;
  const { softmaxRows, logSoftmaxRows, logSoftmaxBackward, xentSeed } = blas;
  assert.ok(biasAct && reluMask && tanhMask && colSums && addTo && sgd);
  assert.ok(softmaxRows && logSoftmaxRows && logSoftmaxBackward && xentSeed);
  assert.ok(embedLayerNorm && scatterAddRows && dotHeads && rowsHeads && copyRows);
  assert.ok(
    addLayerNorm && layerNormBackwardAdd && reluBackwardColSums && adam && permuteHeads && dotBatched && rowsBatched,
  );
  return {
    biasAct,
    reluMask,
    tanhMask,
    colSums,
    addTo,
    sgd,
    addLayerNorm,
    layerNormBackwardAdd,
    reluBackwardColSums,
    adam,
    permuteHeads,
    dotBatched,
    rowsBatched,
    embedLayerNorm,
    scatterAddRows,
    dotHeads,
    rowsHeads,
    copyRows,
    softmaxRows,
    logSoftmaxRows,
    logSoftmaxBackward,
    xentSeed,
  };
}
