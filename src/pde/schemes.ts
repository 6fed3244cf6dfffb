/**
 * Named Burgers schemes = spatial discretisation + default time stepper:
 *   godunov | rusanov | roe | engquist-osher : first-order states + that flux, forward Euler;
 *   muscl (minmod) | muscl-mc               : MUSCL states + Godunov flux (override with `flux`), SSP-RK2;
 *   weno5                                   : WENO5-JS with global Lax–Friedrichs splitting, SSP-RK3
 *                                             (finite-difference form: its states are point values).
 */
import { getFlux } from "./fluxes/registry.ts";
import { firstOrder } from "./reconstruction/firstOrder.ts";
import { musclMC, musclMinmod } from "./reconstruction/muscl.ts";
import type { Reconstruction } from "./reconstruction/types.ts";
import { weno5Scheme } from "./reconstruction/weno5.ts";
import { reconstructThenFlux, type SpatialScheme } from "./spatial.ts";
import type { StepperName } from "./timestep.ts";
import { InputError } from "../errors.ts";
import { lookup } from "../validate.ts";

interface SchemeSpec {
  recon: Reconstruction | "weno5";
  flux: string;
  stepper: StepperName;
}

const SPECS: Readonly<Record<string, SchemeSpec>> = {
  godunov: { recon: firstOrder, flux: "godunov", stepper: "euler" },
  rusanov: { recon: firstOrder, flux: "rusanov", stepper: "euler" },
  roe: { recon: firstOrder, flux: "roe", stepper: "euler" },
  "engquist-osher": { recon: firstOrder, flux: "engquist-osher", stepper: "euler" },
  muscl: { recon: musclMinmod, flux: "godunov", stepper: "ssprk2" },
  "muscl-mc": { recon: musclMC, flux: "godunov", stepper: "ssprk2" },
  weno5: { recon: "weno5", flux: "lax-friedrichs", stepper: "ssprk3" },
};

export const BURGERS_SCHEMES: readonly string[] = Object.keys(SPECS);

export interface ResolvedScheme {
  /** Name as requested plus any overrides, e.g. "muscl" or "muscl+rusanov/euler". */
  label: string;
  /** The interface states: "first-order", "muscl" (minmod), "muscl-mc" or "weno5". */
  reconstruction: string;
  /** The numerical flux ("lax-friedrichs" splitting for WENO5). */
  flux: string;
  /** "average" (cell averages) or "point" (point values at the centres; WENO5). */
  state: "average" | "point";
  spatial: SpatialScheme;
  stepper: StepperName;
}

/** Resolves a scheme name with optional flux / stepper overrides (a fresh object per call). */
export function burgersScheme(name: string, overrides: { flux?: string; stepper?: StepperName } = {}): ResolvedScheme {
  const spec = lookup(SPECS, name, "scheme");
  const stepper = overrides.stepper ?? spec.stepper;
  let spatial: SpatialScheme;
  let flux = spec.flux;
  if (spec.recon === "weno5") {
    // WENO5 reconstructs the split fluxes f± = (f(u) ± αu)/2 (Lax–Friedrichs splitting): no other flux fits.
    if (overrides.flux !== undefined && overrides.flux !== "lax-friedrichs")
      throw new InputError(
        `flux: weno5 takes none (its Lax–Friedrichs flux splitting is part of the scheme; a flux applies to ` +
          `muscl, muscl-mc and the first-order schemes), got ${JSON.stringify(overrides.flux)}`,
        { field: "flux" },
      );
    spatial = weno5Scheme();
  } else {
    flux = overrides.flux ?? spec.flux;
    spatial = reconstructThenFlux(spec.recon, getFlux(flux));
  }
  let label = name;
  if (overrides.flux !== undefined && overrides.flux !== spec.flux && spec.recon !== "weno5")
    label += `+${overrides.flux}`;
  if (stepper !== spec.stepper) label += `/${stepper}`;
  const reconstruction = spec.recon === "weno5" ? "weno5" : spec.recon.name;
  return { label, reconstruction, flux, spatial, stepper, state: spatial.state };
}
