/**
 * How much a symmetry of the ε = 0 idealisation is broken by the real model (docs/theory.md §d.4):
 * for layer norm's residual-stream scale, LN(αx) = (x − μ)/√(σ² + ε/α²), so the loss changes with
 * α only through ε/α² — by ~ε/Var(x) relative, which is negligible at normal scales and O(1) once
 * the residual stream is as small as √ε. Reported as docs/theory.md §d.4 does: the relative loss change between the
 * scales s and 10·s of the current residual stream, and the Noether violation |cos(∇L, ξ)|
 * (zero for an exact symmetry).
 */
import type { Tensor } from "../core/tensor.ts";
import { valueAndGrad } from "../core/autodiff.ts";
import { type Tree, ravel } from "../core/tree.ts";
import type { SymmetryGroup } from "../symmetry/index.ts";
import { flatten, toTree } from "../symmetry/layout.ts";

export interface BreakingReport {
  description: string;
  /** |L(θ at scale 10 s) − L(θ at scale s)| / |L(θ at scale s)| for each s. */
  relLossChange: { scale: number; value: number }[];
  /** |⟨∇L, ξ⟩| / (‖∇L‖ ‖ξ‖) at θ, ξ the generator. */
  gradientCosine: number;
}

export const BREAKING_SCALES = [1e-3, 1e-2, 1e-1, 1];

export function measureBreaking(
  group: SymmetryGroup,
  params: Tree,
  f: (p: Tree) => Tensor,
  scales = BREAKING_SCALES,
): Record<string, BreakingReport> {
  const theta = flatten(group.layout, params);
  const lossAt = (b: (typeof group.broken)[number], s: number) => {
    const t = Float64Array.from(theta);
    b.act(t, s);
    return f(toTree(group.layout, t)).item();
  };
  const g = ravel(valueAndGrad(f)(params).grad);
  const out: Record<string, BreakingReport> = {};
  for (const b of group.broken) {
    const xi = b.generator(theta);
    let dot = 0,
      gg = 0,
      xx = 0;
    for (let i = 0; i < xi.length; i++) {
      dot += g[i] * xi[i];
      gg += g[i] * g[i];
      xx += xi[i] * xi[i];
    }
    out[b.name] = {
      description: b.description,
      relLossChange: scales.map((s) => {
        const a = lossAt(b, s),
          c = lossAt(b, 10 * s);
        return { scale: s, value: Math.abs(c - a) / Math.abs(a) };
      }),
      gradientCosine: gg > 0 && xx > 0 ? Math.abs(dot) / Math.sqrt(gg * xx) : 0,
    };
  }
  return out;
}
