/**
 * The canonical representative of an orbit. Continuous part: minimise ‖θ‖² over the orbit of the
 * identity component by alternating exact block minimisations — every scale unit balanced
 * (‖in‖ = ‖out‖), every GL pair replaced by its balanced SVD factors — until all charges vanish.
 * For these linear actions of reductive groups the norm-minimal points of an orbit are exactly its
 * zero-charge ("balanced") points and form a single orbit of the compact part (Kempf–Ness), which
 * the SVD sign convention then fixes; so the result depends on the orbit only. Each block step can
 * only lower ‖θ‖², and groups whose components touch disjoint coordinates converge in one sweep.
 * Discrete part: the units of each permutation component sorted into canonical order.
 */
import type { Component, PermComponent } from "./types.ts";
import { scaleBalance, scaleImbalance } from "./scale.ts";
import { glBalance, glImbalance } from "./gl.ts";
import { permAct, permCanonicalOrder } from "./perm.ts";

export interface BalanceResult {
  sweeps: number;
  imbalance: number;
}

/** Largest relative charge over the continuous components (0 when balanced). */
export function imbalanceOf(components: readonly Component[], theta: Float64Array): number {
  let worst = 0;
  for (const c of components) {
    if (c.kind === "scale") worst = Math.max(worst, scaleImbalance(c, theta));
    else if (c.kind === "gl") worst = Math.max(worst, glImbalance(c, theta));
  }
  return worst;
}

/** Balances θ in place (continuous part only). */
export function balance(
  components: readonly Component[],
  theta: Float64Array,
  opts: { tol?: number; maxSweeps?: number } = {},
): BalanceResult {
  const tol = opts.tol ?? 1e-15;
  const maxSweeps = opts.maxSweeps ?? 20000;
  // Scale blocks first, GL last, so a sweep ends with the SVD step that fixes the O(n) freedom.
  const blocks = [...components.filter((c) => c.kind === "scale"), ...components.filter((c) => c.kind === "gl")];
  if (!blocks.length) return { sweeps: 0, imbalance: 0 };
  const bad = theta.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`canonicalize: parameter ${bad} (flat index) is ${theta[bad]}, not finite`);
  let prev = Infinity,
    imbalance = Infinity,
    sweeps = 0;
  while (sweeps < maxSweeps) {
    for (const c of blocks) {
      if (c.kind === "scale") scaleBalance(c, theta);
      else if (c.kind === "gl") glBalance(c, theta);
    }
    sweeps++;
    imbalance = imbalanceOf(blocks, theta);
    // Converged, or stalled at the rounding floor (further sweeps only shuffle the last ulps).
    if (imbalance <= tol || (imbalance < 1e-12 && imbalance > 0.7 * prev)) break;
    prev = imbalance;
  }
  return { sweeps, imbalance };
}

/** Puts every permutation component's units into canonical order (in place); returns the permutations. */
export function sortUnits(components: readonly Component[], theta: Float64Array): Record<string, Int32Array> {
  const perms: Record<string, Int32Array> = {};
  for (const c of components.filter((x): x is PermComponent => x.kind === "perm")) {
    const order = permCanonicalOrder(c, theta);
    permAct(c, theta, order);
    perms[c.name] = order;
  }
  return perms;
}
