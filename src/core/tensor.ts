/**
 * The n-dimensional array of shocklens: float64 data in row-major order plus a shape.
 *
 * A tensor optionally records how it was computed (`node`), which is what reverse-mode autodiff
 * walks. Tensors are treated as immutable values: ops never write into their inputs, so a tensor
 * can be shared by many graphs (and by nested differentiation) safely.
 */
export type Shape = readonly number[];

/** What an op recorded about one application: the op, its inputs and any attributes. */
export interface GradNode {
  readonly op: OpDef;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
}

/**
 * A primitive op's derivative rule. `vjp` returns one cotangent per input (null where the input
 * gets none). It is written in terms of the ops passed as `F`, so the backward pass is itself
 * differentiable (this is how Hessian-vector products stay exact through every op).
 */
export interface OpDef {
  readonly name: string;
  vjp(F: OpsApi, g: Tensor, inputs: readonly Tensor[], out: Tensor, attrs: unknown): (Tensor | null)[];
}

// The op namespace handed to VJP rules (type-only: no runtime import cycle).
export type OpsApi = typeof import("./ops/index.ts");

export class Tensor {
  readonly data: Float64Array;
  readonly shape: Shape;
  readonly size: number;
  /** True when this tensor depends on a value being differentiated. */
  requiresGrad: boolean;
  /** How it was computed, when recorded for autodiff; null for leaves and constants. */
  node: GradNode | null;
  /**
   * Scratch of the reverse pass (src/core/autodiff.ts), never part of the value: the pass that
   * last visited this tensor, whether it leads to a differentiation variable, the pass that marked
   * it as one, and its accumulated cotangent with the pass it belongs to (restored when the pass
   * ends, so a pass run inside another leaves the outer one's cotangents as they were).
   * @internal
   */
  _visit = 0;
  /** @internal */
  _leads = false;
  /** @internal */
  _wrt = 0;
  /** @internal */
  _ct: Tensor | null = null;
  /** @internal */
  _ctPass = 0;

  constructor(data: Float64Array, shape: Shape, requiresGrad = false, node: GradNode | null = null) {
    this.data = data;
    this.shape = shape;
    this.size = data.length;
    this.requiresGrad = requiresGrad;
    this.node = node;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, got shape [${this.shape}]`);
    return this.data[0];
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape}], data=[${Array.from(this.data.subarray(0, 8)).join(", ")}${this.size > 8 ? ", …" : ""}])`;
  }
}

export type TensorLike = Tensor | number;

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Creates a constant tensor from data (copied from arrays, shared when a Float64Array is given). */
export function tensor(data: ArrayLike<number> | number, shape?: Shape): Tensor {
  if (typeof data === "number") return new Tensor(Float64Array.of(data), shape ?? []);
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  const sh = shape ?? [arr.length];
  if (shapeSize(sh) !== arr.length) throw new Error(`tensor: ${arr.length} values do not fill shape [${sh}]`);
  return new Tensor(arr, [...sh]);
}

export function scalar(v: number): Tensor {
  return new Tensor(Float64Array.of(v), []);
}

export function zeros(shape: Shape): Tensor {
  return new Tensor(new Float64Array(shapeSize(shape)), [...shape]);
}

export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

export function full(shape: Shape, v: number): Tensor {
  return new Tensor(new Float64Array(shapeSize(shape)).fill(v), [...shape]);
}

export function asTensor(x: TensorLike): Tensor {
  return typeof x === "number" ? scalar(x) : x;
}

/** Normalises a possibly negative axis against `ndim`. */
export function normAxis(axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw new Error(`axis ${axis} out of range for ${ndim}-d tensor`);
  return a;
}
