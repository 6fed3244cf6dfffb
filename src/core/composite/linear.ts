/** Linear layers and small shape helpers composed from primitives. */
import { Tensor, type OpDef } from "../tensor.ts";
import { matmul, flags } from "../ops/matmul.ts";
import { add } from "../ops/add.ts";
import { permute } from "../ops/permute.ts";
import { reshape } from "../ops/reshape.ts";
import { normAxis } from "../tensor.ts";
import { gemmDispatch } from "../backends/gemm/index.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";
import { record } from "../tape.ts";

/**
 * x·Wᵀ + b for x [rows, in], W [out, in], b [out] as one primitive: the bias is added into the
 * product's own array, instead of add() allocating and writing a second [rows, out] array (a
 * full extra pass over the largest activations of a model). Same arithmetic as matmul then add,
 * and the VJP is exactly the one of that composition, written with the same ops
 * (dx = g·W, dW = gᵀ·x, db = Σ_rows g), so derivatives of every order are unchanged.
 */
const linearBiasOp: OpDef = {
  name: "linearBias",
  vjp: (F, g, [x, w, b]) => [
    x.requiresGrad ? F.matmul(g, w) : null,
    w.requiresGrad ? F.matmul(g, x, flags(true, false)) : null,
    b.requiresGrad ? F.sumTo(g, b.shape) : null,
  ],
};

function linearBias(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const rows = x.shape[0],
    nIn = x.shape[1],
    nOut = weight.shape[0];
  const out = allocF64Uninit(rows * nOut);
  gemmDispatch(rows, nOut, nIn, x.data, 0, false, weight.data, 0, true, out, 0);
  const bd = bias.data;
  for (let r = 0, o = 0; r < rows; r++, o += nOut) {
    for (let j = 0; j < nOut; j++) out[o + j] = out[o + j] + bd[j];
  }
  const t = new Tensor(out, [rows, nOut]);
  return x.requiresGrad || weight.requiresGrad || bias.requiresGrad ? record(t, linearBiasOp, [x, weight, bias]) : t;
}

/** torch.nn.Linear: x Wᵀ + b with W [out, in]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  if (
    bias &&
    x.ndim >= 2 &&
    weight.ndim === 2 &&
    bias.ndim === 1 &&
    bias.size === weight.shape[0] &&
    x.shape[x.ndim - 1] === weight.shape[1]
  ) {
    if (x.ndim === 2) return linearBias(x, weight, bias);
    // Leading axes flattened into rows, as matmul does for a batch against one matrix.
    const lead = x.shape.slice(0, -1);
    const y = linearBias(reshape(x, [-1, weight.shape[1]]), weight, bias);
    return reshape(y, [...lead, weight.shape[0]]);
  }
  const y = matmul(x, weight, flags(false, true));
  return bias ? add(y, bias) : y;
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const p = Array.from({ length: x.ndim }, (_, i) => i);
  const i = normAxis(a, x.ndim);
  const j = normAxis(b, x.ndim);
  [p[i], p[j]] = [p[j], p[i]];
  return permute(x, p);
}

/** Flattens all axes from `start` on into one. */
export function flatten(x: Tensor, start = 1): Tensor {
  return reshape(x, [...x.shape.slice(0, start), -1]);
}
