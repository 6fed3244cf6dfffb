/**
 * The layer norm fused with its residual add (docs/performance.md §compiled-transformer) against
 * the eager pair — the add op, then the layer-norm row kernel; the kernel's reverse pass, then the
 * add — bit for bit, for widths with and without a remainder of the four- and two-way partial sums.
 */
import { test } from "node:test";
import { Tensor } from "../../src/core/tensor.ts";
import * as F from "../../src/core/ops/index.ts";
import { foldIn, key, normal } from "../../src/core/random.ts";
import { layerNormBackward, layerNormForward } from "../../src/core/kernels/fused.ts";
import { addLayerNorm, layerNormBackwardAdd } from "../../src/compiled/layerNormFused.ts";
import { assertBitEqual } from "./helpers.ts";

const draw = (i: number, shape: number[], scale = 1) =>
  new Tensor(
    normal(foldIn(key(77), i), shape).data.map((v) => v * scale),
    shape,
  );

for (const [rows, d] of [
  [5, 8],
  [4, 7],
  [3, 1],
  [6, 13],
]) {
  test(`addLayerNorm and layerNormBackwardAdd equal the eager add and layer norm bit for bit: ${rows}×${d}`, () => {
    const x = draw(1, [rows, d]),
      y = draw(2, [rows, d], 3),
      bias = draw(3, [d]),
      gamma = draw(4, [d]),
      beta = draw(5, [d]),
      g = draw(6, [rows, d]),
      base = draw(7, [rows, d]);
    for (const withBias of [false, true]) {
      const s = withBias ? F.add(x, F.add(y, bias)) : F.add(x, y);
      const want = new Float64Array(rows * d),
        wantMean = new Float64Array(rows),
        wantRstd = new Float64Array(rows);
      layerNormForward(s.data, rows, d, gamma.data, beta.data, 1e-5, want, wantMean, wantRstd);
      const sum = new Float64Array(rows * d),
        out = new Float64Array(rows * d),
        mean = new Float64Array(rows),
        rstd = new Float64Array(rows);
      addLayerNorm(
        x.data,
        y.data,
        withBias ? bias.data : null,
        rows,
        d,
        gamma.data,
        beta.data,
        1e-5,
        sum,
        out,
        mean,
        rstd,
      );
      assertBitEqual(sum, s.data, "sum");
      assertBitEqual(out, want, "layer norm");
      assertBitEqual(mean, wantMean, "mean");
      assertBitEqual(rstd, wantRstd, "rstd");
    }
    const mean = new Float64Array(rows),
      rstd = new Float64Array(rows),
      out = new Float64Array(rows * d);
    layerNormForward(x.data, rows, d, gamma.data, beta.data, 1e-5, out, mean, rstd);
    const dx = new Float64Array(rows * d),
      dg = new Float64Array(d),
      db = new Float64Array(d);
    layerNormBackward(g.data, x.data, rows, d, gamma.data, mean, rstd, dx, dg, db);
    for (const withBase of [false, true]) {
      const got = withBase ? base.data.slice() : new Float64Array(rows * d),
        gotG = new Float64Array(d),
        gotB = new Float64Array(d);
      layerNormBackwardAdd(g.data, x.data, rows, d, gamma.data, mean, rstd, withBase ? got : null, got, gotG, gotB);
      assertBitEqual(got, withBase ? F.add(base, new Tensor(dx, [rows, d])).data : dx, `dx (base: ${withBase})`);
      assertBitEqual(gotG, dg, "dγ");
      assertBitEqual(gotB, db, "dβ");
    }
  });
}
