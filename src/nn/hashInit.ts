/**
 * A portable, bit-exact initialisation shared with the reference workloads (PyTorch, numpy, C):
 * element i of a tensor drawn from stream `seed` is a function of (seed, i) through the
 * MurmurHash3 finaliser, so JavaScript, Python and C fill identical tensors. Use it to build the
 * same network on both sides of a cross-check.
 */
import { Tensor, type Shape, shapeSize } from "../core/tensor.ts";

/** MurmurHash3's 32-bit finaliser (all arithmetic mod 2³²). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** u ∈ (0, 1) for element i of stream `seed`. */
export function hashUniform(seed: number, i: number): number {
  return (fmix32((fmix32(seed) + i) >>> 0) + 0.5) / 4294967296;
}

function fill(shape: Shape, f: (i: number) => number): Tensor {
  const n = shapeSize(shape);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = f(i);
  return new Tensor(d, [...shape]);
}

/** (2u − 1)·bound: uniform on (−bound, bound). */
export const hashSym = (seed: number, shape: Shape, bound: number): Tensor =>
  fill(shape, (i) => (2 * hashUniform(seed, i) - 1) * bound);
/** u: uniform on (0, 1). */
export const hashUnit = (seed: number, shape: Shape): Tensor => fill(shape, (i) => hashUniform(seed, i));
/** ⌊u·C⌋: integer labels in [0, C). */
export const hashLabels = (seed: number, shape: Shape, C: number): Tensor =>
  fill(shape, (i) => Math.floor(hashUniform(seed, i) * C));
