/**
 * matmul(a, b, {transA, transB}) = op(a)·op(b) over the last two axes, with numpy broadcasting of
 * the leading (batch) axes; op = transpose when the flag is set, folded into the kernel so that no
 * transposed copy is made. 1-D operands follow torch.matmul (vector on the left/right).
 *
 * VJP for C = op(A)op(B): dA = g·op(B)ᵀ (or op(B)·gᵀ when transA), dB = op(A)ᵀ·g (or gᵀ·op(A)
 * when transB), each summed over broadcast batch axes.
 */
import { Tensor, type OpDef, asTensor, type TensorLike, shapeSize } from "../tensor.ts";
import { broadcastShapes, broadcastStrides } from "../shape.ts";
import { gemmDispatch, gemmBatched, gemmTransASkippingZeros } from "../backends/gemm/index.ts";
import { record } from "../tape.ts";
import { reshape } from "./reshape.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";
import { Odometer } from "../kernels/odometer.ts";

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}
interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

const matmulOp: OpDef = {
  name: "matmul",
  vjp: (F, g, [a, b], _out, { transA: tA, transB: tB }: MatmulAttrs) => [
    a.requiresGrad ? F.sumTo(tA ? F.matmul(b, g, flags(tB, true)) : F.matmul(g, b, flags(false, !tB)), a.shape) : null,
    b.requiresGrad ? F.sumTo(tB ? F.matmul(g, a, flags(true, tA)) : F.matmul(a, g, flags(!tA, false)), b.shape) : null,
  ],
};

export function matmul(x: TensorLike, y: TensorLike, opts: MatmulOptions = {}): Tensor {
  let a = asTensor(x);
  let b = asTensor(y);
  const tA = opts.transA ?? false;
  const tB = opts.transB ?? false;
  if (a.ndim === 0 || b.ndim === 0) throw new Error("matmul: operands must be at least 1-d");
  const vecA = a.ndim === 1;
  const vecB = b.ndim === 1;
  if (vecA) a = reshape(a, tA ? [a.size, 1] : [1, a.size]);
  if (vecB) b = reshape(b, tB ? [1, b.size] : [b.size, 1]);
  let out: Tensor;
  if (a.ndim > 2 && b.ndim === 2 && !tA) {
    // A batch against one matrix (linear layers on [N, T, d]): one GEMM over the flattened rows
    // instead of one per batch element, and a weight gradient that needs no batch sum.
    const lead = a.shape.slice(0, -1);
    const flat = matmul2(reshape(a, [-1, a.shape[a.ndim - 1]]), b, false, tB);
    out = reshape(flat, [...lead, flat.shape[1]]);
  } else out = matmul2(a, b, tA, tB);
  if (vecA || vecB) {
    const s = out.shape.slice(0, -2);
    if (!vecA) s.push(out.shape[out.ndim - 2]);
    if (!vecB) s.push(out.shape[out.ndim - 1]);
    out = reshape(out, s);
  }
  return out;
}

// One attrs object per flag combination (they are immutable): no allocation per call. They are
// the options of the VJP's own products too.
const ATTRS: readonly MatmulAttrs[] = [
  { transA: false, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: false },
  { transA: true, transB: true },
];

/** The shared options object for op(A) = Aᵀ when transA, op(B) = Bᵀ when transB. */
export function flags(transA: boolean, transB: boolean): MatmulAttrs {
  return ATTRS[(transA ? 2 : 0) + (transB ? 1 : 0)];
}

function matmul2(a: Tensor, b: Tensor, tA: boolean, tB: boolean): Tensor {
  const na = a.shape.length,
    nbd = b.shape.length;
  const ra = a.shape[na - 2],
    ca = a.shape[na - 1];
  const rb = b.shape[nbd - 2],
    cb = b.shape[nbd - 1];
  const m = tA ? ca : ra,
    k = tA ? ra : ca;
  const k2 = tB ? cb : rb,
    n = tB ? rb : cb;
  if (k !== k2) {
    throw new Error(`matmul: inner dimensions differ: [${a.shape}]${tA ? "ᵀ" : ""} · [${b.shape}]${tB ? "ᵀ" : ""}`);
  }
  const attrs = flags(tA, tB);
  if (na === 2 && nbd === 2) {
    const out = allocF64Uninit(m * n);
    // Aᵀ·B is how a linear layer's weight gradient gᵀ·x is formed; after relu, g is zero wherever
    // a unit was off, and those terms may be left out with the same bits
    // (docs/performance.md §skipping-relu-zeros).
    if (tA && !tB) gemmTransASkippingZeros(m, n, k, a.data, 0, b.data, 0, out, 0);
    else gemmDispatch(m, n, k, a.data, 0, tA, b.data, 0, tB, out, 0);
    const t = new Tensor(out, [m, n]);
    return a.requiresGrad || b.requiresGrad ? record(t, matmulOp, [a, b], attrs) : t;
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  const nb = batch.reduce((p, d) => p * d, 1);
  const out = allocF64Uninit(nb * m * n);
  const sizeA = shapeSize(batchA),
    sizeB = shapeSize(batchB);
  if (nb === 1) {
    gemmDispatch(m, n, k, a.data, 0, tA, b.data, 0, tB, out, 0);
  } else if ((sizeA === nb || sizeA === 1) && (sizeB === nb || sizeB === 1)) {
    // Each operand is either batched like the output or a single matrix broadcast over it.
    gemmBatched(nb, m, n, k, a.data, sizeA === 1 ? 0 : m * k, tA, b.data, sizeB === 1 ? 0 : k * n, tB, out);
  } else {
    const sa = broadcastStrides(batchA, batch);
    const sb = broadcastStrides(batchB, batch);
    const w = new Odometer(batch, sa, sb);
    for (let i = 0; i < nb; i++, w.next()) {
      gemmDispatch(m, n, k, a.data, w.a * m * k, tA, b.data, w.b * k * n, tB, out, i * m * n);
    }
  }
  return record(new Tensor(out, [...batch, m, n]), matmulOp, [a, b], attrs);
}
