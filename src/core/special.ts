/**
 * The scalar special functions of the library, in float64: erf (behind the erf op, and so the
 * exact GELU), erfc, the scaled erfcx(x) = e^{x²} erfc(x), log Φ (= scipy's log_ndtr), log-sum-exp
 * and the scaled modified Bessel functions I_n(β)e^{−β} (for the exact PDE solutions).
 *
 * erf/erfc/erfcx use W. J. Cody's rational Chebyshev approximations (Math. Comp. 23 (1969) 631–637;
 * netlib specfun CALERF), accurate to ~1e-16 relative on three intervals: |x| ≤ 0.46875 (erf),
 * 0.46875 < |x| ≤ 4 and |x| > 4 (erfc, with the e^{−x²} factor split to avoid error growth).
 */

// The coefficients are Cody's published digits, kept verbatim; the parser rounds each to the nearest double.
/* eslint-disable no-loss-of-precision */
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const Q = [
  2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185,
];
const RSQRTPI = 0.5641895835477562869;
/* eslint-enable no-loss-of-precision */
const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * z;
    den = (den + B[i]) * z;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/** erfcx(y) = e^{y²}erfc(y) for y > 0.46875 (Cody's second and third intervals). */
function erfcxLarge(y: number): number {
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    return (num + C[7]) / (den + D[7]);
  }
  if (y >= 6.71e7) return RSQRTPI / y; // the rational correction is below rounding
  const z = 1 / (y * y);
  let num = P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]) * z;
    den = (den + Q[i]) * z;
  }
  return (RSQRTPI - (z * (num + P[4])) / (den + Q[4])) / y;
}

/** e^{−y²} computed as e^{−r²}e^{−(y−r)(y+r)} with r = ⌊16y⌋/16, which keeps the relative error ~ε. */
function expMinusSquare(y: number): number {
  const r = Math.trunc(y * 16) / 16;
  return Math.exp(-r * r) * Math.exp(-(y - r) * (y + r));
}

export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const e = 1 - expMinusSquare(y) * erfcxLarge(y);
  return x < 0 ? -e : e;
}

export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = y > 26.7 ? 0 : expMinusSquare(y) * erfcxLarge(y);
  return x < 0 ? 2 - r : r;
}

/** Scaled complementary error function e^{x²}erfc(x); for x < 0 it is 2e^{x²} − erfcx(−x). */
export function erfcx(x: number): number {
  if (x >= 0) return erfcxLarge0(x);
  return 2 * Math.exp(x * x) - erfcxLarge0(-x);
}

/** Standard normal CDF Φ(z) = ½ erfc(−z/√2). */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

/**
 * log Φ(z), accurate to ~1e-15 relative everywhere:
 *  z > 0:        log1p(−½erfc(z/√2))                    (Φ close to 1);
 *  −40 < z ≤ 0:  log(½ erfcx(−z/√2)) − z²/2              (no underflow of e^{−z²/2});
 *  z ≤ −40:      −z²/2 − log(−z) − ½log 2π + log Σₖ (−1)ᵏ(2k−1)!!/z^{2k}   (Mills-ratio asymptotics,
 *                ten terms: the truncation error (19)!!/40²⁰ ≈ 1e-21 is below rounding).
 */
export function logNdtr(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z > 0) return Math.log1p(-0.5 * erfc(z * Math.SQRT1_2));
  if (z > -40) return Math.log(0.5 * erfcxLarge0(-z * Math.SQRT1_2)) - 0.5 * z * z;
  if (z === -Infinity) return -Infinity;
  const w = 1 / (z * z);
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 10; k++) {
    term *= -(2 * k - 1) * w;
    sum += term;
  }
  return -0.5 * z * z - Math.log(-z) - LOG_2PI_HALF + Math.log(sum);
}

/** erfcx on y ≥ 0 (all three Cody intervals). */
function erfcxLarge0(y: number): number {
  return y <= 0.46875 ? Math.exp(y * y) * (1 - erfSmall(y)) : erfcxLarge(y);
}

/** log(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * Scaled modified Bessel functions I_n(β)e^{−β}, n = 0 … nMax, by Miller's backward recurrence
 * I_{n−1} = (2n/β)Iₙ + I_{n+1} (stable downwards: Iₙ is the recessive solution), normalised with
 * the generating-function identity I₀(β) + 2Σ_{n≥1} Iₙ(β) = e^β.
 */
export function besselIScaled(nMax: number, beta: number): Float64Array {
  const out = new Float64Array(nMax + 1);
  if (beta === 0) {
    out[0] = 1;
    return out;
  }
  // Start well beyond both nMax and the point where Iₙ(β)/I₀(β) ≈ e^{−n²/2β} underflows.
  const start = Math.max(nMax, Math.ceil(beta)) + Math.ceil(40 * Math.sqrt(Math.max(beta, 1))) + 50;
  let ip1 = 0;
  let i = 1e-300;
  let sum = 0;
  for (let n = start; n >= 1; n--) {
    const im1 = ((2 * n) / beta) * i + ip1;
    if (n <= nMax) out[n] = i;
    sum += 2 * i;
    ip1 = i;
    i = im1;
    if (i > 1e250) {
      // rescale everything stored so far to avoid overflow
      const s = 1e-250;
      i *= s;
      ip1 *= s;
      sum *= s;
      for (let k = n; k <= nMax; k++) out[k] *= s;
    }
  }
  out[0] = i;
  sum += i;
  for (let k = 0; k <= nMax; k++) out[k] /= sum;
  return out;
}

/** Lanczos coefficients for g = 7, n = 9 (Numerical Recipes 3rd ed. §6.1; relative error < 2e-15). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log Γ(x) for x > 0 by the Lanczos approximation
 *   Γ(z + 1) = √(2π) (z + g + ½)^{z+½} e^{−(z+g+½)} A_g(z),
 * and the reflection Γ(x)Γ(1 − x) = π / sin(πx) below ½ (for 0 < x < ½ the sine is positive).
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_2PI_HALF + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
