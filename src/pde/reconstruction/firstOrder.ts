/** Piecewise-constant states (Godunov's first-order method): uL[j] = u_{j−1}, uR[j] = u_j. */
import type { Reconstruction } from "./types.ts";

export const firstOrder: Reconstruction = {
  name: "first-order",
  order: 1,
  reference: "Godunov (1959)",
  ghost: 1,
  states(ug, n, uL, uR) {
    for (let j = 0; j <= n; j++) {
      uL[j] = ug[j];
      uR[j] = ug[j + 1];
    }
  },
};
