/** Interpolating sampled 1-D losses for the HJ machinery (report slices, the Explore page). */
/**
 * C¹ cubic Hermite interpolation of samples on a uniform grid with central-difference slopes
 * (Catmull–Rom), and its exact first and second derivatives. C¹ matters: a merely continuous
 * (piecewise-linear) loss has concave kinks, and each one is a shock from t = 0⁺.
 */
export function hermiteInterpolant(s: ArrayLike<number>, g: ArrayLike<number>) {
  const m = s.length;
  const h = s[1] - s[0];
  const slope = Float64Array.from(g, (_, i) =>
    i === 0 ? (g[1] - g[0]) / h : i === m - 1 ? (g[m - 1] - g[m - 2]) / h : (g[i + 1] - g[i - 1]) / (2 * h),
  );
  const cell = (y: number): [number, number] => {
    const u = (y - s[0]) / h;
    const i = Math.min(Math.max(Math.floor(u), 0), m - 2);
    return [i, u - i];
  };
  // Hermite basis on [0, 1]: h00 = 2τ³ − 3τ² + 1, h10 = τ³ − 2τ² + τ, h01 = −2τ³ + 3τ², h11 = τ³ − τ²
  const f = (y: number): number => {
    const [i, t] = cell(y);
    const t2 = t * t;
    const t3 = t2 * t;
    return (
      (2 * t3 - 3 * t2 + 1) * g[i] +
      (t3 - 2 * t2 + t) * h * slope[i] +
      (-2 * t3 + 3 * t2) * g[i + 1] +
      (t3 - t2) * h * slope[i + 1]
    );
  };
  const df = (y: number): number => {
    const [i, t] = cell(y);
    const t2 = t * t;
    return (
      ((6 * t2 - 6 * t) * g[i] +
        (3 * t2 - 4 * t + 1) * h * slope[i] +
        (-6 * t2 + 6 * t) * g[i + 1] +
        (3 * t2 - 2 * t) * h * slope[i + 1]) /
      h
    );
  };
  const d2f = (y: number): number => {
    const [i, t] = cell(y);
    return (
      ((12 * t - 6) * g[i] + (6 * t - 4) * h * slope[i] + (-12 * t + 6) * g[i + 1] + (6 * t - 2) * h * slope[i + 1]) /
      (h * h)
    );
  };
  return { f, df, d2f };
}
