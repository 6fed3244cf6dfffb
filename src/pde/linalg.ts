/**
 * Tiny dense linear algebra for the n-D closed forms and shock-time forecasts (n is 1–10 here):
 * LU with partial pivoting (solve, det) and the cyclic Jacobi eigenvalue method for symmetric
 * matrices. Matrices are arrays of rows.
 */
export type Matrix = number[][];

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function luDecompose(A: Matrix): { lu: Matrix; perm: number[]; sign: number } {
  const n = A.length;
  const lu = A.map((r) => r.slice());
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i][k]) > Math.abs(lu[p][k])) p = i;
    if (p !== k) {
      [lu[p], lu[k]] = [lu[k], lu[p]];
      [perm[p], perm[k]] = [perm[k], perm[p]];
      sign = -sign;
    }
    const piv = lu[k][k];
    if (piv === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const m = (lu[i][k] /= piv);
      for (let j = k + 1; j < n; j++) lu[i][j] -= m * lu[k][j];
    }
  }
  return { lu, perm, sign };
}

export function det(A: Matrix): number {
  const { lu, sign } = luDecompose(A);
  let d = sign;
  for (let i = 0; i < A.length; i++) d *= lu[i][i];
  return d;
}

/** Solves A x = b (throws on a singular A). */
export function solve(A: Matrix, b: readonly number[]): number[] {
  const n = A.length;
  const { lu, perm } = luDecompose(A);
  const y = perm.map((p) => b[p]);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) y[i] -= lu[i][j] * y[j];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) y[i] -= lu[i][j] * y[j];
    if (lu[i][i] === 0) throw new Error("solve: singular matrix");
    y[i] /= lu[i][i];
  }
  return y;
}

export function inverse(A: Matrix): Matrix {
  const n = A.length;
  const cols = identity(n).map((e) => solve(A, e));
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cols[j][i]));
}

export function matVec(A: Matrix, x: readonly number[]): number[] {
  return A.map((row) => row.reduce((s, a, j) => s + a * x[j], 0));
}

export function matMul(A: Matrix, B: Matrix): Matrix {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Eigenvalues (ascending) of a symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigenvalues(S: Matrix): number[] {
  const n = S.length;
  const a = S.map((r) => r.slice());
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        // rotation angle that zeroes a[p][q]: tan 2θ = 2a_pq/(a_qq − a_pp)
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]).sort((x, y) => x - y);
}

export function lambdaMin(S: Matrix): number {
  return symmetricEigenvalues(S)[0];
}
