/**
 * The plain kernel's small products, bit for bit. Every seeded result of shocklens that passes
 * through a small product depends on the exact order in which the kernel adds its terms, so the
 * loops of gemmSmall (src/core/kernels/matmul.ts) may be rearranged for speed only if each output
 * element is still the same expression. `orderOracle` spells out that expression per element for
 * each layout (docs/performance.md §compiled-step) — one element at a time, no tiles — and the
 * kernel must equal it exactly (Object.is, so signed zeros count) on random shapes, the shapes of
 * the benchmark networks, offsets into larger buffers, and data with zeros of both signs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gemm as gemmPlain } from "../../src/core/kernels/matmul.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";

/**
 * C[i, j] as gemmSmall computes it:
 *   k = 1                      x₀·y₀ (no addition);
 *   B not transposed           the sum in groups of four, each group added left to right,
 *                              ((x₀y₀ + x₁y₁) + x₂y₂) + x₃y₃, the groups added in order onto the
 *                              first; the last k mod 4 terms added one at a time onto the running
 *                              sum (or summed left to right when they are all there is);
 *   A as stored (or a row), B transposed
 *                              columns in full groups of four (j < n − n mod 4): 0 + x₀y₀ + x₁y₁ + …
 *                              left to right; the other columns: four partial sums over the first
 *                              k − k mod 4 terms (term p into sum p mod 4), (s₀ + s₁) + (s₂ + s₃),
 *                              then the last terms one at a time;
 *   A and B transposed         0 + x₀y₀ + x₁y₁ + … left to right.
 */
function orderOracle(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  tA: boolean,
  b: Float64Array,
  bOff: number,
  tB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  const A = (i: number, p: number) => a[aOff + (tA ? p * m + i : i * k + p)];
  const B = (p: number, j: number) => b[bOff + (tB ? j * k + p : p * n + j)];
  const t = (i: number, j: number, p: number) => A(i, p) * B(p, j);
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (k === 0) s = 0;
      else if (k === 1) s = t(i, j, 0);
      else if (!tB) {
        for (let p = 0; p < k4; p += 4) {
          const g = t(i, j, p) + t(i, j, p + 1) + t(i, j, p + 2) + t(i, j, p + 3);
          s = p === 0 ? g : s + g;
        }
        if (k4 === 0) {
          s = t(i, j, 0);
          for (let p = 1; p < k; p++) s = s + t(i, j, p);
        } else for (let p = k4; p < k; p++) s = s + t(i, j, p);
      } else if ((!tA || m === 1) && j >= n - (n % 4)) {
        const part = [0, 0, 0, 0];
        for (let p = 0; p < k4; p++) part[p % 4] += t(i, j, p);
        s = part[0] + part[1] + (part[2] + part[3]);
        for (let p = k4; p < k; p++) s += t(i, j, p);
      } else for (let p = 0; p < k; p++) s += t(i, j, p);
      c[i * n + j] = s;
    }
  }
  return c;
}

/** Normal deviates with about one value in eight replaced by +0 or −0 (so signed-zero sums are exercised). */
function data(rng: FastNormal, n: number): Float64Array {
  const out = rng.fill(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    if (u < 0.06) out[i] = 0;
    else if (u < 0.12) out[i] = -0;
  }
  return out;
}

/** The small products of the benchmark networks (2-32-32-1 on batches of 32 and 1), then random small shapes. */
function shapes(rng: FastNormal): [number, number, number][] {
  const fixed: [number, number, number][] = [
    [32, 32, 2],
    [32, 2, 32],
    [32, 1, 32],
    [1, 32, 2],
    [1, 1, 32],
    [32, 2, 1],
    [32, 3, 1],
    [7, 1, 1],
    [1, 3, 1],
    [1, 32, 1],
    [32, 32, 1],
    [1, 2, 32],
    [3, 3, 3],
    [4, 4, 4],
    [7, 3, 5],
    [2, 2, 2],
    [64, 1, 64],
    [5, 3, 200],
  ];
  const pick = (hi: number) => 1 + Math.floor(rng.uniform() * hi);
  const out = [...fixed];
  for (let i = 0; i < 400; i++) {
    // Mostly products small enough for gemmSmall (m·n·k ≤ 4096 or a side < 4), some thin ones.
    const thin = rng.uniform() < 0.4;
    const m = pick(thin ? 3 : 40),
      n = pick(rng.uniform() < 0.5 ? 5 : 40),
      k = pick(rng.uniform() < 0.5 ? 6 : 70);
    out.push(rng.uniform() < 0.5 ? [m, n, k] : [n, m, k]);
  }
  return out;
}

test("plain kernel: small products add their terms in the documented order, bit for bit", () => {
  const rng = new FastNormal(20261203);
  let checked = 0;
  for (const [m, n, k] of shapes(rng)) {
    if (m * n * k > 4096 && m >= 4 && n >= 4) continue; // the blocked kernel's products (tested in gemm.test.ts)
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const aOff = Math.floor(rng.uniform() * 4),
          bOff = Math.floor(rng.uniform() * 4),
          cOff = Math.floor(rng.uniform() * 4);
        const a = data(rng, aOff + m * k + 2),
          b = data(rng, bOff + k * n + 2);
        const c = new Float64Array(cOff + m * n + 2).fill(Number.NaN);
        gemmPlain(m, n, k, a, aOff, tA, b, bOff, tB, c, cOff);
        const want = orderOracle(m, n, k, a, aOff, tA, b, bOff, tB);
        for (let e = 0; e < m * n; e++) {
          if (!Object.is(c[cOff + e], want[e]))
            assert.fail(`[${m},${n},${k}] tA=${tA} tB=${tB} element ${e}: ${c[cOff + e]} ≠ ${want[e]}`);
        }
        assert.ok(Number.isNaN(c[cOff - 1] ?? Number.NaN) && Number.isNaN(c[cOff + m * n]), "writes stay inside C");
        checked++;
      }
    }
  }
  assert.ok(checked > 1000, `${checked} products checked`);
});

test("order oracle: reassociating the sum changes the bits on this data (the test can fail)", () => {
  // The same product with both operands stored transposed is summed left to right (A and B
  // transposed); as stored, B not transposed, in groups of four: the two must differ somewhere.
  const rng = new FastNormal(5);
  const m = 16,
    n = 16,
    k = 16;
  const a = data(rng, m * k),
    b = data(rng, k * n);
  const grouped = orderOracle(m, n, k, a, 0, false, b, 0, false);
  const aT = new Float64Array(m * k),
    bT = new Float64Array(k * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aT[p * m + i] = a[i * k + p];
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bT[j * k + p] = b[p * n + j];
  const leftToRight = orderOracle(m, n, k, aT, 0, true, bT, 0, true);
  let differs = 0;
  for (let e = 0; e < m * n; e++) if (!Object.is(grouped[e], leftToRight[e])) differs++;
  assert.ok(differs > 0, "grouped and left-to-right sums agree everywhere: the data cannot tell orders apart");
});
