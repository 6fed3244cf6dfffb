/** All numerical fluxes by name. */
import { lookup } from "../../validate.ts";
import { engquistOsher } from "./engquistOsher.ts";
import { godunov } from "./godunov.ts";
import { roe } from "./roe.ts";
import { rusanov } from "./rusanov.ts";
import type { FluxInfo } from "./types.ts";

export const FLUXES: Readonly<Record<string, FluxInfo>> = {
  godunov,
  rusanov,
  roe,
  "engquist-osher": engquistOsher,
};

export function getFlux(name: string): FluxInfo {
  return lookup(FLUXES, name, "flux");
}
