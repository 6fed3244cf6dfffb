/**
 * Element-wise loops. Binary ops broadcast numpy-style. The broadcast is first reduced to a short
 * list of collapsed axes (adjacent axes merged when both operands stay contiguous across them,
 * size-1 axes dropped), so every layout — equal shapes, a scalar, a bias row, a keepdims column,
 * a mask broadcast over batch axes — ends in a contiguous inner loop of one of three patterns
 * (vector∘vector, vector∘scalar, scalar∘vector) driven by a small odometer over the outer axes.
 *
 * The arithmetic ops (add, sub, mul, div) and the common unary functions have their own loops,
 * selected by an op code outside the loop, so V8 compiles each loop monomorphically instead of
 * calling a closure per element; any other function (op CALL) runs in the same loops through its
 * closure.
 */
import { type Shape, shapeSize } from "../tensor.ts";
import { allocF64Uninit } from "./alloc.ts";
import { Odometer } from "./odometer.ts";
import { tanhInto } from "./tanh.ts";

export type BinaryFn = (x: number, y: number) => number;
export type UnaryFn = (x: number) => number;

export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
// Comparisons give 1 / 0 (constants: never recorded).
export const GT = 4;
export const GE = 5;
export const LT = 6;
export const LE = 7;
export const EQ = 8;
export const NE = 9;
/** Any other function of two numbers, given as a closure (the generic path of mapBinary). */
export const CALL = 10;

export const NEG = 0;
export const EXP = 1;
export const LOG = 2;
export const SQRT = 3;
export const ABS = 4;
export const TANH = 5;
export const SIGN = 6;

// ---- unary -----------------------------------------------------------------------------------

export function mapUnary(a: Float64Array, f: UnaryFn): Float64Array {
  const n = a.length;
  const out = allocF64Uninit(n);
  for (let i = 0; i < n; i++) out[i] = f(a[i]);
  return out;
}

/**
 * out = op(a) for one of the unary op codes. One loop per op, deliberately alike (as the binary
 * loops below): a loop selected outside runs monomorphic, a shared loop would call per element.
 */
export function unaryKernel(op: number, a: Float64Array): Float64Array {
  const n = a.length;
  const out = allocF64Uninit(n);
  switch (op) {
    case NEG:
      for (let i = 0; i < n; i++) out[i] = -a[i];
      break;
    case EXP:
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
      break;
    case LOG:
      for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
      break;
    case SQRT:
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
      break;
    case ABS:
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
      break;
    case TANH:
      tanhInto(a, out);
      break;
    case SIGN:
      for (let i = 0; i < n; i++) out[i] = Math.sign(a[i]);
      break;
    default:
      throw new Error(`unknown unary op ${op}`);
  }
  return out;
}

// ---- broadcast plan --------------------------------------------------------------------------

/**
 * Collapsed broadcast of two operands to `outShape`: axes (outer first) with their sizes and the
 * strides of a and b along them (0 where broadcast). Empty for a scalar output.
 */
interface Plan {
  size: number[];
  sa: number[];
  sb: number[];
}

function plan(aShape: Shape, bShape: Shape, outShape: Shape): Plan {
  const nd = outShape.length;
  const offA = nd - aShape.length,
    offB = nd - bShape.length;
  const size: number[] = [],
    sa: number[] = [],
    sb: number[] = [];
  // Walk from the innermost axis outwards, tracking each operand's running stride.
  let strideA = 1,
    strideB = 1;
  for (let d = nd - 1; d >= 0; d--) {
    const n = outShape[d];
    const da = d >= offA ? aShape[d - offA] : 1;
    const db = d >= offB ? bShape[d - offB] : 1;
    if (n === 1) continue;
    const xa = da === 1 ? 0 : strideA;
    const xb = db === 1 ? 0 : strideB;
    const k = size.length - 1;
    // Merge with the (inner) axis before when both operands continue contiguously across.
    if (k >= 0 && xa === sa[k] * size[k] && xb === sb[k] * size[k]) {
      size[k] *= n;
    } else {
      size.push(n);
      sa.push(xa);
      sb.push(xb);
    }
    strideA *= da;
    strideB *= db;
  }
  size.reverse();
  sa.reverse();
  sb.reverse();
  return { size, sa, sb };
}

// ---- arithmetic ------------------------------------------------------------------------------

/** Where a row of results goes (out[oo … oo+len)) and the function of op CALL. */
type Row = [out: Float64Array, oo: number, len: number, f: BinaryFn];
type LoopVV = (...args: [op: number, a: Float64Array, ao: number, b: Float64Array, bo: number, ...row: Row]) => void;
type LoopVS = (...args: [op: number, a: Float64Array, ao: number, y: number, ...row: Row]) => void;
type LoopSV = (...args: [op: number, x: number, b: Float64Array, bo: number, ...row: Row]) => void;

/** out[oo + i] = a[ao + i] ∘ b[bo + i] */
const loopVV: LoopVV = (op, a, ao, b, bo, out, oo, len, f) => {
  switch (op) {
    case ADD:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] + b[bo + i];
      return;
    case SUB:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] - b[bo + i];
      return;
    case MUL:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] * b[bo + i];
      return;
    case DIV:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] / b[bo + i];
      return;
    case CALL:
      for (let i = 0; i < len; i++) out[oo + i] = f(a[ao + i], b[bo + i]);
      return;
    default:
      for (let i = 0; i < len; i++) out[oo + i] = compareScalar(op, a[ao + i], b[bo + i]);
      return;
  }
};

/** out[oo + i] = a[ao + i] ∘ y */
const loopVS: LoopVS = (op, a, ao, y, out, oo, len, f) => {
  switch (op) {
    case ADD:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] + y;
      return;
    case SUB:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] - y;
      return;
    case MUL:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] * y;
      return;
    case DIV:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] / y;
      return;
    case GT:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] > y ? 1 : 0;
      return;
    case LT:
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i] < y ? 1 : 0;
      return;
    case CALL:
      for (let i = 0; i < len; i++) out[oo + i] = f(a[ao + i], y);
      return;
    default:
      for (let i = 0; i < len; i++) out[oo + i] = compareScalar(op, a[ao + i], y);
      return;
  }
};

/** out[oo + i] = x ∘ b[bo + i] */
const loopSV: LoopSV = (op, x, b, bo, out, oo, len, f) => {
  switch (op) {
    case ADD:
      for (let i = 0; i < len; i++) out[oo + i] = x + b[bo + i];
      return;
    case SUB:
      for (let i = 0; i < len; i++) out[oo + i] = x - b[bo + i];
      return;
    case MUL:
      for (let i = 0; i < len; i++) out[oo + i] = x * b[bo + i];
      return;
    case DIV:
      for (let i = 0; i < len; i++) out[oo + i] = x / b[bo + i];
      return;
    case CALL:
      for (let i = 0; i < len; i++) out[oo + i] = f(x, b[bo + i]);
      return;
    default:
      for (let i = 0; i < len; i++) out[oo + i] = compareScalar(op, x, b[bo + i]);
      return;
  }
};

function compareScalar(op: number, x: number, y: number): number {
  switch (op) {
    case GT:
      return x > y ? 1 : 0;
    case GE:
      return x >= y ? 1 : 0;
    case LT:
      return x < y ? 1 : 0;
    case LE:
      return x <= y ? 1 : 0;
    case EQ:
      return x === y ? 1 : 0;
    default:
      return x !== y ? 1 : 0;
  }
}

function arithScalar(op: number, x: number, y: number, f: BinaryFn): number {
  switch (op) {
    case CALL:
      return f(x, y);
    case ADD:
      return x + y;
    case SUB:
      return x - y;
    case MUL:
      return x * y;
    case DIV:
      return x / y;
    default:
      return compareScalar(op, x, y);
  }
}

/** No function: the op codes other than CALL. */
const NO_FN: BinaryFn = () => NaN;

/**
 * a ∘ b broadcast to `outShape` into a new array, for ∘ ∈ {ADD, SUB, MUL, DIV, GT, …, NE} or
 * (op CALL) the function f.
 */
export function binaryKernel(
  op: number,
  a: Float64Array,
  aShape: Shape,
  b: Float64Array,
  bShape: Shape,
  outShape: Shape,
  f: BinaryFn = NO_FN,
): Float64Array {
  const n = shapeSize(outShape);
  const out = allocF64Uninit(n);
  if (n === 0) return out;
  const la = a.length,
    lb = b.length;
  if (la === n && lb === n) loopVV(op, a, 0, b, 0, out, 0, n, f);
  else if (la === n && lb === 1) loopVS(op, a, 0, b[0], out, 0, n, f);
  else if (la === 1 && lb === n) loopSV(op, a[0], b, 0, out, 0, n, f);
  else arithBroadcast(op, a, aShape, b, bShape, outShape, out, f);
  return out;
}

function arithBroadcast(
  op: number,
  a: Float64Array,
  aShape: Shape,
  b: Float64Array,
  bShape: Shape,
  outShape: Shape,
  out: Float64Array,
  f: BinaryFn,
): void {
  const { size, sa, sb } = plan(aShape, bShape, outShape);
  const nd = size.length;
  if (nd === 0) {
    out[0] = arithScalar(op, a[0], b[0], f);
    return;
  }
  const inner = size[nd - 1],
    ia = sa[nd - 1],
    ib = sb[nd - 1];
  const n = out.length;
  const w = new Odometer(size, sa, sb, nd - 1);
  for (let o = 0; o < n; o += inner, w.next()) {
    const oa = w.a,
      ob = w.b;
    if (ia === 1 && ib === 1) loopVV(op, a, oa, b, ob, out, o, inner, f);
    else if (ia === 1) loopVS(op, a, oa, b[ob], out, o, inner, f);
    else if (ib === 1) loopSV(op, a[oa], b, ob, out, o, inner, f);
    else {
      const v = arithScalar(op, a[oa], b[ob], f);
      for (let j = 0; j < inner; j++) out[o + j] = v;
    }
  }
}

/** Applies f over the broadcast of (a, aShape) and (b, bShape) into a new array of `outShape`. */
export function mapBinary(
  a: Float64Array,
  aShape: Shape,
  b: Float64Array,
  bShape: Shape,
  outShape: Shape,
  f: BinaryFn,
): Float64Array {
  return binaryKernel(CALL, a, aShape, b, bShape, outShape, f);
}

/** Materialises `a` broadcast to `outShape`. */
export function broadcastData(a: Float64Array, aShape: Shape, outShape: Shape): Float64Array {
  const n = shapeSize(outShape);
  const out = allocF64Uninit(n);
  if (n === 0) return out;
  if (a.length === n) {
    out.set(a);
    return out;
  }
  if (a.length === 1) {
    out.fill(a[0]);
    return out;
  }
  const { size, sa } = plan(aShape, [], outShape);
  const nd = size.length;
  const inner = size[nd - 1],
    ia = sa[nd - 1];
  const w = new Odometer(size, sa, undefined, nd - 1);
  for (let o = 0; o < n; o += inner, w.next()) {
    if (ia === 1) out.set(a.subarray(w.a, w.a + inner), o);
    else out.fill(a[w.a], o, o + inner);
  }
  return out;
}
