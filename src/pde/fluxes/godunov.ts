/**
 * Godunov flux: f evaluated at the exact Riemann solution on the interface (ξ = x/t = 0),
 *   F = f(u*(0; uL, uR)),
 * where u* is a shock with speed s = (uL+uR)/2 when uL > uR and a rarefaction fan u = ξ between
 * uL and uR otherwise — including the transonic fan uL < 0 < uR, where u*(0) = 0 (sonic point).
 */
import { burgersRiemann } from "../exact/riemann.ts";
import { burgersFlux, type FluxInfo } from "./types.ts";

export function godunovFlux(uL: number, uR: number): number {
  return burgersFlux(burgersRiemann(uL, uR, 0));
}

export const godunov: FluxInfo = {
  name: "godunov",
  order: 1,
  reference: "Godunov (1959); LeVeque, Numerical Methods for Conservation Laws (1992) §13.2, §14.1",
  flux: godunovFlux,
};
