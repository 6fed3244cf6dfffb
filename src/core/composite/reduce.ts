/** Reductions composed from primitives (no gradient code: every derivative order works). */
import { type Shape, Tensor, type TensorLike, asTensor, sameShape } from "../tensor.ts";
import { normAxes } from "../shape.ts";
import { sum } from "../ops/sum.ts";
import { max } from "../ops/max.ts";
import { reshape } from "../ops/reshape.ts";
import { sub } from "../ops/sub.ts";
import { div } from "../ops/div.ts";
import { mul } from "../ops/mul.ts";
import { add } from "../ops/add.ts";
import { exp } from "../ops/exp.ts";
import { log } from "../ops/log.ts";
import { stopGradient } from "../ops/compare.ts";

/** Sums g over the axes along which `shape` was broadcast to g's shape (the adjoint of broadcasting). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes, true), shape);
}

export function mean(x: TensorLike, axes?: number | readonly number[], keepdims = false): Tensor {
  const a = asTensor(x);
  const ax = normAxes(axes, a.ndim);
  const count = ax.reduce((p, i) => p * a.shape[i], 1);
  return div(sum(a, ax, keepdims), count);
}

/** Biased variance mean((x − μ)²) over axes (torch's unbiased=False; what LayerNorm uses). */
export function variance(x: TensorLike, axes?: number | readonly number[], keepdims = false): Tensor {
  const a = asTensor(x);
  const centred = sub(a, mean(a, axes, true));
  return mean(mul(centred, centred), axes, keepdims);
}

/**
 * log Σ exp(x) over axes, stabilised by the (constant) max: m + log Σ exp(x − m). The shift is
 * exact for any m, so treating it as a constant leaves every derivative unchanged.
 */
export function logsumexp(x: TensorLike, axes?: number | readonly number[], keepdims = false): Tensor {
  const a = asTensor(x);
  const ax = normAxes(axes, a.ndim);
  const m = finiteOrZero(stopGradient(max(a, ax, true)));
  const s = log(sum(exp(sub(a, m)), ax, true));
  const out = add(s, m);
  return keepdims
    ? out
    : reshape(
        out,
        a.shape.filter((_, i) => !ax.includes(i)),
      );
}

// A row of all −∞ has max −∞; shifting by it would give NaN, so shift by 0 there instead.
function finiteOrZero(t: Tensor): Tensor {
  return new Tensor(
    t.data.map((v) => (Number.isFinite(v) ? v : 0)),
    t.shape,
  );
}
