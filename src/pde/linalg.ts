/**
 * The n-D closed forms and shock-time forecasts (n is 1–10 here) work with matrices as arrays of
 * rows; these adapters run them through the shared dense routines of src/linalg.
 */
import * as dense from "../linalg/dense.ts";
import { dot as vdot } from "../linalg/vector.ts";

export type Matrix = number[][];

const flat = (A: Matrix): Float64Array => Float64Array.from(A.flat());

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

export function det(A: Matrix): number {
  return dense.det(flat(A), A.length);
}

/** Solves A x = b (throws on a singular A). */
export function solve(A: Matrix, b: readonly number[]): number[] {
  return Array.from(dense.solve(flat(A), A.length, b));
}

export function inverse(A: Matrix): Matrix {
  const n = A.length;
  const inv = dense.inverse(flat(A), n);
  return Array.from({ length: n }, (_, i) => Array.from(inv.subarray(i * n, (i + 1) * n)));
}

export function matVec(A: Matrix, x: readonly number[]): number[] {
  return A.map((row) => vdot(row, x));
}

export function matMul(A: Matrix, B: Matrix): Matrix {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return vdot(a, b);
}

/** Eigenvalues (ascending) of a symmetric matrix. */
export function symmetricEigenvalues(S: Matrix): number[] {
  return Array.from(dense.symEig(flat(S), S.length).values);
}

export function lambdaMin(S: Matrix): number {
  return symmetricEigenvalues(S)[0];
}
