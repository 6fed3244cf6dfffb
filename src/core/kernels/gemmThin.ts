/**
 * Thin small products for the plain GEMM kernel (./matmul.ts): shapes where one side is 2 or 3
 * (the first layer of a network with two inputs and its weight gradient, 32×32×2 and 32×2×32),
 * for which gemmSmall's general loops spend more on loop and index overhead than on arithmetic.
 * Each kernel evaluates, for every output element, exactly the expression gemmSmall's general
 * loop for that layout evaluates — the same products added in the same order — so results are
 * the same bit for bit (test/kernels/gemmOrder.test.ts states the order per layout and checks it
 * with signed zeros included).
 */

/**
 * A product on operands addressed through (row stride, column stride) pairs: op(A)[i, p] =
 * a[aOff + i·ars + p·acs], op(B)[p, j] = b[bOff + p·brs + j·bcs]; C[m,n] at cOff, row-major.
 */
export type StridedGemm = (
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  ars: number,
  acs: number,
  b: Float64Array,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float64Array,
  cOff: number,
) => void;

/** An outer product c[i, j] = a[aOff + i·ars] · b[bOff + j] into C[m,n] at cOff, row-major (k = 1, a contiguous row of B). */
export type OuterProduct = (
  m: number,
  n: number,
  a: Float64Array,
  aOff: number,
  ars: number,
  b: Float64Array,
  bOff: number,
  c: Float64Array,
  cOff: number,
) => void;

/**
 * The rows-of-B form of gemmSmall for fewer than four columns (the weight gradient gᵀx of a layer
 * with two inputs: 32×2×32), two output elements at a time with their running sums in registers.
 * Each element is the same expression as in gemmSmall's row loop (./matmul.ts) — the terms in groups of four
 * summed left to right, the groups added onto the first, then the last k mod 4 terms one at a
 * time (or, for k < 4, all terms left to right) — so the result is the same bit for bit
 * (test/kernels/gemmOrder.test.ts); what goes is a pass over a row of C of length n < 4 per four
 * terms, with C loaded and stored each time. Rows of B are n apart (B as stored).
 */
export const rowSumsThin: StridedGemm = (m, n, k, a, aOff, ars, acs, b, bOff, _brs, _bcs, c, cOff) => {
  const k4 = k - (k & 3),
    r = k - k4;
  const a1 = acs,
    a2 = 2 * acs,
    a3 = 3 * acs,
    a4 = 4 * acs;
  const b1 = n,
    b2 = 2 * n,
    b3 = 3 * n,
    b4 = 4 * n;
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * ars,
      ci = cOff + i * n;
    for (let j = 0; j < n; j += 2) {
      // Columns j and j + 1 (for odd n, the last column is also computed as column j + 1 = j,
      // twice, the same value stored twice).
      const pair = j + 1 < n ? 1 : 0;
      let pa = ai,
        pb = bOff + j,
        s: number,
        t: number;
      let x0 = a[pa],
        x1 = a[pa + a1];
      if (k4 > 0) {
        let x2 = a[pa + a2],
          x3 = a[pa + a3];
        s = x0 * b[pb] + x1 * b[pb + b1] + x2 * b[pb + b2] + x3 * b[pb + b3];
        t = x0 * b[pb + pair] + x1 * b[pb + b1 + pair] + x2 * b[pb + b2 + pair] + x3 * b[pb + b3 + pair];
        pa += a4;
        pb += b4;
        for (let p = 4; p < k4; p += 4, pa += a4, pb += b4) {
          x0 = a[pa];
          x1 = a[pa + a1];
          x2 = a[pa + a2];
          x3 = a[pa + a3];
          s += x0 * b[pb] + x1 * b[pb + b1] + x2 * b[pb + b2] + x3 * b[pb + b3];
          t += x0 * b[pb + pair] + x1 * b[pb + b1 + pair] + x2 * b[pb + b2 + pair] + x3 * b[pb + b3 + pair];
        }
        if (r > 0) {
          x0 = a[pa];
          s += x0 * b[pb];
          t += x0 * b[pb + pair];
        }
        if (r > 1) {
          x1 = a[pa + a1];
          s += x1 * b[pb + b1];
          t += x1 * b[pb + b1 + pair];
        }
        if (r > 2) {
          const x2r = a[pa + a2];
          s += x2r * b[pb + b2];
          t += x2r * b[pb + b2 + pair];
        }
      } else if (r === 1) {
        s = x0 * b[pb];
        t = x0 * b[pb + pair];
      } else if (r === 2) {
        s = x0 * b[pb] + x1 * b[pb + b1];
        t = x0 * b[pb + pair] + x1 * b[pb + b1 + pair];
      } else {
        const x2 = a[pa + a2];
        s = x0 * b[pb] + x1 * b[pb + b1] + x2 * b[pb + b2];
        t = x0 * b[pb + pair] + x1 * b[pb + b1 + pair] + x2 * b[pb + b2 + pair];
      }
      c[ci + j] = s;
      c[ci + j + pair] = t;
    }
  }
};

/**
 * The dot-product form of gemmSmall for k = 2 or 3 with both operands contiguous along k (x·Wᵀ of
 * a layer with two or three inputs; B transposed, so its rows are k apart): a row of A held in
 * registers, each C[i, j] = 0 + x₀y₀ + x₁y₁ (+ x₂y₂) left to right — the expression gemmDotContig
 * evaluates for every column at such k (its lone-column partial sums are all zero below k = 4),
 * bit for bit, without its inner loop of two or three steps per element. The strides are
 * literals and k = 2 is unrolled by four columns: with a stride only known at run time, V8's
 * index arithmetic and bounds checks cost about as much as the arithmetic.
 */
export const dotShortK: StridedGemm = (m, n, k, a, aOff, ars, _acs, b, bOff, _brs, _bcs, c, cOff) => {
  const n4 = n - (n & 3);
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * ars,
      ci = cOff + i * n;
    const x0 = a[ai],
      x1 = a[ai + 1];
    if (k === 2) {
      let j = 0,
        o = bOff;
      for (; j < n4; j += 4, o += 8) {
        const q = ci + j;
        c[q] = 0 + x0 * b[o] + x1 * b[o + 1];
        c[q + 1] = 0 + x0 * b[o + 2] + x1 * b[o + 3];
        c[q + 2] = 0 + x0 * b[o + 4] + x1 * b[o + 5];
        c[q + 3] = 0 + x0 * b[o + 6] + x1 * b[o + 7];
      }
      for (; j < n; j++, o += 2) c[ci + j] = 0 + x0 * b[o] + x1 * b[o + 1];
    } else {
      const x2 = a[ai + 2];
      for (let j = 0, o = bOff; j < n; j++, o += 3) c[ci + j] = 0 + x0 * b[o] + x1 * b[o + 1] + x2 * b[o + 2];
    }
  }
};

/**
 * The outer product c[i, j] = a[aOff + i·ars] · b[bOff + j] (k = 1, a contiguous row of B) for
 * rows of C shorter than four: the weight gradient gᵀx of a layer with one to three inputs (32×2
 * for two). The n values of B are held in registers and each row is written as n stores, instead
 * of a loop of one to three steps per row (about three times faster at 32×2). Every element is
 * the same single product x·y, with the operands in the same order, as in the general loop.
 */
export const outerThin: OuterProduct = (m, n, a, aOff, ars, b, bOff, c, cOff) => {
  if (n === 1) {
    const y0 = b[bOff];
    for (let i = 0, ai = aOff; i < m; i++, ai += ars) c[cOff + i] = a[ai] * y0;
  } else if (n === 2) {
    const y0 = b[bOff],
      y1 = b[bOff + 1];
    for (let i = 0, ai = aOff, ci = cOff; i < m; i++, ai += ars, ci += 2) {
      const x = a[ai];
      c[ci] = x * y0;
      c[ci + 1] = x * y1;
    }
  } else if (n === 3) {
    const y0 = b[bOff],
      y1 = b[bOff + 1],
      y2 = b[bOff + 2];
    for (let i = 0, ai = aOff, ci = cOff; i < m; i++, ai += ars, ci += 3) {
      const x = a[ai];
      c[ci] = x * y0;
      c[ci + 1] = x * y1;
      c[ci + 2] = x * y2;
    }
  }
};
