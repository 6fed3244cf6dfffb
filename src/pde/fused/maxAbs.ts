/**
 * max |u[start … start+n)| of a Float64Array, NaN when any value is NaN — the TypeScript kernel
 * behind the fused steppers' CFL step and WENO5's α. Math.max propagates NaN by definition and
 * measured fastest here; grid.ts's maxAbs takes any ArrayLike and so runs polymorphic.
 */
export function maxAbsRange(u: Float64Array, start: number, n: number): number {
  let m = 0;
  for (let i = start, e = start + n; i < e; i++) m = Math.max(m, Math.abs(u[i]));
  return m;
}
