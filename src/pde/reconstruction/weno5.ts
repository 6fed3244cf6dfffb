/**
 * WENO5-JS with global Lax–Friedrichs flux splitting (Jiang & Shu 1996), exactly as
 * the benchmark workload docs/performance.md §burgers-weno5:
 *
 *   α = max|u| of the stage input;  f± = ½(f(u) ± αu);
 *   F̂_{i+½} = W(f⁺_{i−2}, f⁺_{i−1}, f⁺_i, f⁺_{i+1}, f⁺_{i+2}) + W(f⁻_{i+3}, f⁻_{i+2}, f⁻_{i+1}, f⁻_i, f⁻_{i−1})
 *
 * with W the fifth-order reconstruction of the value at the interface downwind of v3:
 *   q0 = (2v1 − 7v2 + 11v3)/6,  q1 = (−v2 + 5v3 + 2v4)/6,  q2 = (2v3 + 5v4 − v5)/6
 *   β0 = 13/12(v1 − 2v2 + v3)² + ¼(v1 − 4v2 + 3v3)²
 *   β1 = 13/12(v2 − 2v3 + v4)² + ¼(v2 − v4)²
 *   β2 = 13/12(v3 − 2v4 + v5)² + ¼(3v3 − 4v4 + v5)²
 *   aₖ = dₖ/(ε + βₖ)², (d0, d1, d2) = (0.1, 0.6, 0.3), ε = 1e-6;   W = Σ aₖqₖ / Σ aₖ.
 *
 * This is the finite-difference (Shu–Osher 1989) form: the flux is reconstructed from point values
 * f(uᵢ), so the state uᵢ is the POINT VALUE u(xᵢ) and the scheme is fifth order for point values.
 * Fed cell averages it stays conservative but drops to second order (f(ū) ≠ avg f(u)).
 */
import type { SpatialScheme } from "../spatial.ts";

const EPS = 1e-6;
const SIXTH = 1 / 6;
const C13 = 13 / 12;

// Written compactly on purpose: V8 inlines a callee only up to a bytecode budget, and the fused
// WENO5 kernel (fused/weno5.ts) needs both of its calls per face inlined (measured 1.3× faster).
export function weno5(v1: number, v2: number, v3: number, v4: number, v5: number): number {
  const q0 = (2 * v1 - 7 * v2 + 11 * v3) * SIXTH;
  const q1 = (-v2 + 5 * v3 + 2 * v4) * SIXTH;
  const q2 = (2 * v3 + 5 * v4 - v5) * SIXTH;
  const d0 = v1 - 2 * v2 + v3,
    e0 = v1 - 4 * v2 + 3 * v3;
  const d1 = v2 - 2 * v3 + v4,
    e1 = v2 - v4;
  const d2 = v3 - 2 * v4 + v5,
    e2 = 3 * v3 - 4 * v4 + v5;
  const s0 = EPS + (C13 * d0 * d0 + 0.25 * e0 * e0);
  const s1 = EPS + (C13 * d1 * d1 + 0.25 * e1 * e1);
  const s2 = EPS + (C13 * d2 * d2 + 0.25 * e2 * e2);
  const a0 = 0.1 / (s0 * s0),
    a1 = 0.6 / (s1 * s1),
    a2 = 0.3 / (s2 * s2);
  return (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2);
}

function makeWeno5(): SpatialScheme {
  let fp = new Float64Array(0);
  let fm = new Float64Array(0);
  return {
    name: "weno5",
    order: 5,
    reference: "Jiang & Shu (1996) J. Comput. Phys. 126; Shu (1998) LNM 1697, global Lax–Friedrichs splitting",
    ghost: 3,
    state: "point",
    interfaceFluxes(ug, n, F, alpha) {
      const m = n + 6;
      if (fp.length !== m) {
        fp = new Float64Array(m);
        fm = new Float64Array(m);
      }
      for (let k = 0; k < m; k++) {
        const u = ug[k];
        const f = 0.5 * u * u;
        fp[k] = 0.5 * (f + alpha * u);
        fm[k] = 0.5 * (f - alpha * u);
      }
      // interface j (x_{j−½}) is i+½ with padded index P = i + 3 = j + 2
      for (let j = 0; j <= n; j++) {
        const P = j + 2;
        F[j] =
          weno5(fp[P - 2], fp[P - 1], fp[P], fp[P + 1], fp[P + 2]) +
          weno5(fm[P + 3], fm[P + 2], fm[P + 1], fm[P], fm[P - 1]);
      }
    },
  };
}

/** A fresh WENO5 scheme (it owns scratch buffers, so create one per solver). */
export function weno5Scheme(): SpatialScheme {
  return makeWeno5();
}
