/**
 * The lowering of a stride-1, zero-padded 2-D convolution to a matrix product:
 * cols[n, (c·k + i)·k + j, y·Wo + x] = xpad[n, c, y + i − pad, x + j − pad].
 * `col2im` is its exact adjoint (scatter-add back).
 */
import { allocF64 } from "./alloc.ts";
export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  k: number;
  pad: number;
  Ho: number;
  Wo: number;
}

export function convGeometry(shape: readonly number[], k: number, pad: number): ConvGeometry {
  if (shape.length !== 4) throw new Error(`conv input must be [N, C, H, W], got [${shape}]`);
  const [N, C, H, W] = shape;
  const Ho = H + 2 * pad - k + 1;
  const Wo = W + 2 * pad - k + 1;
  if (Ho < 1 || Wo < 1) throw new Error(`kernel ${k} with padding ${pad} does not fit a ${H}×${W} input`);
  return { N, C, H, W, k, pad, Ho, Wo };
}

export function im2colData(x: Float64Array, g: ConvGeometry): Float64Array {
  const out = allocF64(g.N * g.C * g.k * g.k * g.Ho * g.Wo);
  patchRows(x, out, g, true);
  return out;
}

/** The adjoint of im2col: every column entry added back into the image position it was read from. */
export function col2imData(cols: Float64Array, g: ConvGeometry): Float64Array {
  const out = allocF64(g.N * g.C * g.H * g.W);
  patchRows(out, cols, g, false);
  return out;
}

/**
 * The one index walk of im2col and col2im: column row (c, i, j) at output position (y, q) reads
 * image pixel (y + i − pad, q + j − pad) of channel c (zero padding: out-of-image positions are
 * skipped). `gather` copies image → columns; otherwise the columns are added into the image.
 */
function patchRows(img: Float64Array, cols: Float64Array, g: ConvGeometry, gather: boolean): void {
  const { N, C, H, W, k, pad, Ho, Wo } = g;
  const rows = C * k * k;
  const P = Ho * Wo;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xBase = (n * C + c) * H * W;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          const oBase = (n * rows + (c * k + i) * k + j) * P;
          for (let y = 0; y < Ho; y++) {
            const sy = y + i - pad;
            if (sy < 0 || sy >= H) continue;
            const rowIn = xBase + sy * W + j - pad;
            const rowOut = oBase + y * Wo;
            const x0 = Math.max(0, pad - j);
            const x1 = Math.min(Wo, W + pad - j);
            if (gather) for (let q = x0; q < x1; q++) cols[rowOut + q] = img[rowIn + q];
            else for (let q = x0; q < x1; q++) img[rowIn + q] += cols[rowOut + q];
          }
        }
      }
    }
  }
}
