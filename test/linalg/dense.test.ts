/** Dense linear algebra against reconstruction identities and hand-computed cases. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, split, normalArray } from "../../src/core/random.ts";
import { symEig, svd, pivotedCholesky, choleskySolve, inverse, matmul, det, solve } from "../../src/linalg/dense.ts";

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function sub(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}

test("symEig: A V = V Λ, VᵀV = I, ascending; 2×2 by hand", () => {
  const { values } = symEig([2, 1, 1, 2], 2);
  assert.ok(Math.abs(values[0] - 1) < 1e-15 && Math.abs(values[1] - 3) < 1e-15);
  for (const n of [1, 5, 17]) {
    const G = normalArray(key(n), n * n);
    const A = Float64Array.from(G, (_, k) => G[k] + G[(k % n) * n + Math.floor(k / n)]);
    const { values: L, vectors: V } = symEig(A, n);
    for (let i = 1; i < n; i++) assert.ok(L[i] >= L[i - 1]);
    const AV = matmul(A, V, n, n, n);
    const VL = Float64Array.from(V, (v, k) => v * L[k % n]);
    assert.ok(maxAbs(sub(AV, VL)) < 1e-13 * maxAbs(A), `n=${n}: ‖AV − VΛ‖ = ${maxAbs(sub(AV, VL))}`);
    const VtV = matmul(V, V, n, n, n, { transA: true });
    for (let i = 0; i < n; i++) VtV[i * n + i] -= 1;
    assert.ok(maxAbs(VtV) < 1e-13);
  }
});

test("svd: U S Vᵀ = A, orthonormal factors, descending S, rank, deterministic signs", () => {
  for (const [m, n] of [
    [4, 3],
    [3, 5],
    [6, 6],
  ] as const) {
    const A = normalArray(key(m * 10 + n), m * n);
    const { U, S, V, rank } = svd(A, m, n);
    const r = Math.min(m, n);
    assert.equal(rank, r);
    for (let i = 1; i < r; i++) assert.ok(S[i] <= S[i - 1]);
    const US = Float64Array.from(U, (u, k) => u * S[k % r]);
    assert.ok(maxAbs(sub(matmul(US, V, m, r, n, { transB: true }), A)) < 1e-14 * 10);
    const UtU = matmul(U, U, r, m, r, { transA: true });
    const VtV = matmul(V, V, r, n, r, { transA: true });
    for (let i = 0; i < r; i++) {
      UtU[i * r + i] -= 1;
      VtV[i * r + i] -= 1;
    }
    assert.ok(maxAbs(UtU) < 1e-14 && maxAbs(VtV) < 1e-14);
    // The largest-magnitude entry of each column of U is positive.
    for (let j = 0; j < r; j++) {
      let best = 0;
      for (let i = 0; i < m; i++) if (Math.abs(U[i * r + j]) > Math.abs(best)) best = U[i * r + j];
      assert.ok(best > 0);
    }
    // −A has the same factors up to the sign of V: U is unchanged (sign normalisation on U).
    const B = svd(
      Float64Array.from(A, (x) => -x),
      m,
      n,
    );
    assert.ok(
      maxAbs(sub(B.U, U)) < 1e-13 &&
        maxAbs(
          sub(
            B.V,
            Float64Array.from(V, (x) => -x),
          ),
        ) < 1e-13,
    );
  }
  // Rank-one 3×3: nuclear norm = ‖u‖‖v‖.
  const u = [1, 2, 2],
    v = [3, 0, 4];
  const R = Float64Array.from({ length: 9 }, (_, k) => u[Math.floor(k / 3)] * v[k % 3]);
  const s = svd(R, 3, 3);
  assert.equal(s.rank, 1);
  assert.ok(Math.abs(s.S[0] - 15) < 1e-13 && s.S[1] < 1e-14);
});

test("pivotedCholesky finds the rank of a Gram matrix with dependent columns and solves on the independent set", () => {
  const [k1] = split(key(3), 1);
  const n = 7,
    k = 5;
  const X = normalArray(k1, n * k);
  // Column 3 = column 0 + 2·column 1; column 4 = 0.
  for (let i = 0; i < n; i++) {
    X[i * k + 3] = X[i * k + 0] + 2 * X[i * k + 1];
    X[i * k + 4] = 0;
  }
  const G = matmul(X, X, k, n, k, { transA: true });
  const { pivots, L } = pivotedCholesky(G, k, 1e-13);
  assert.equal(pivots.length, 3);
  assert.ok(!pivots.includes(4));
  const r = pivots.length;
  const c = [1, -2, 0.5];
  const y = choleskySolve(L, r, c);
  // (G restricted to the pivots) y = c
  for (let a = 0; a < r; a++) {
    let s = 0;
    for (let b = 0; b < r; b++) s += G[pivots[a] * k + pivots[b]] * y[b];
    assert.ok(Math.abs(s - c[a]) < 1e-10);
  }
});

test("inverse: A A⁻¹ = I; singular matrices throw", () => {
  const n = 6;
  const A = normalArray(key(11), n * n);
  const P = matmul(A, inverse(A, n), n, n, n);
  for (let i = 0; i < n; i++) P[i * n + i] -= 1;
  assert.ok(maxAbs(P) < 1e-12);
  assert.throws(() => inverse([1, 2, 2, 4], 2), /singular/);
});

test("det and solve (LU with partial pivoting) on a permuted, ill-conditioned system", () => {
  // A = [[0, 2, 1], [1, 1e-8, 0], [3, 1, 4]]: a zero first pivot forces a row exchange.
  const A = [0, 2, 1, 1, 1e-8, 0, 3, 1, 4];
  const want = 0 * (1e-8 * 4 - 0) - 2 * (1 * 4 - 0 * 3) + 1 * (1 * 1 - 1e-8 * 3);
  assert.ok(Math.abs(det(A, 3) - want) <= 1e-15 * Math.abs(want));
  const x = [1.5, -2, 0.25];
  const b = [0, 1, 2].map((i) => A[3 * i] * x[0] + A[3 * i + 1] * x[1] + A[3 * i + 2] * x[2]);
  const got = solve(A, 3, b);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(got[i] - x[i]) < 1e-14, `x[${i}] = ${got[i]}`);
  assert.throws(() => solve([1, 2, 2, 4], 2, [1, 1]), /singular/);
});
