/**
 * The drift field of an optimizer on a chart of parameter space, in three coordinate systems at
 * once (docs/gradient-field.md §coordinates). With d = θ⁺ − θ the update at θ = θ(s) and η its step:
 *
 *   raw                 Tᵀ d / η          Euclidean metric on the raw parameters θ
 *   quotient-euclidean  Pᵀ Δv / η         Euclidean metric on the invariants v = φ(θ)
 *   quotient-metric     Qᵀ Δv / η         the metric M⁻¹ = (Dφ Dφᵀ)⁺ gradient flow induces
 *   quotient-metric-excess  (Qᵀ Δv − Tᵀ d) / η,  quotient-euclidean-excess  (Pᵀ Δv − Tᵀ d) / η
 *
 * with Δv = φ(θ + d) − φ(θ) (for gradient flow, the velocity Dφ·θ̇). One optimizer update serves
 * all of them. Frames (θ, T, P, Q) are computed once per chart point and cached.
 *
 * The excesses are control variates: when the raw drift of every replicate is an exact gradient —
 * SGD (Tᵀd/η = −∂_s L_B(θ(s))), momentum with a frozen-point state (a fixed combination of batch
 * gradients), SGLD under common random numbers (plus a constant) — an excess has the same curl as
 * its quotient 1-form but not the large gradient part, whose jumps at ReLU kinks would
 * otherwise bias trapezoid circulations and grid fits by O(h)·jump.
 */
import type { Key } from "../core/random.ts";
import type { Stepper } from "./stepper.ts";
import { type Chart, type Frame, type InvariantMap, frameAt, jvp } from "./quotientFrame.ts";
import type { Coordinates, DriftField } from "./types.ts";

export type CoordinateName =
  "raw" | "quotient-euclidean" | "quotient-metric" | "quotient-metric-excess" | "quotient-euclidean-excess";

export const COORDINATES: Record<CoordinateName, Coordinates> = {
  raw: { name: "raw", metric: "Euclidean on the raw parameters θ" },
  "quotient-euclidean": { name: "quotient-euclidean", metric: "Euclidean on the invariant coordinates v = φ(θ)" },
  "quotient-metric": {
    name: "quotient-metric",
    metric: "M⁻¹, M = Dφ Dφᵀ at the representative θ(s): the metric gradient flow induces on the quotient",
  },
  "quotient-metric-excess": {
    name: "quotient-metric-excess",
    metric: "M⁻¹ as quotient-metric, minus the raw 1-form (same curl when the raw drift is a per-batch gradient)",
  },
  "quotient-euclidean-excess": {
    name: "quotient-euclidean-excess",
    metric:
      "Euclidean on v as quotient-euclidean, minus the raw 1-form (same curl when the raw drift is a per-batch gradient)",
  },
};

export interface QuotientFieldOptions {
  chart: Chart;
  stepper: Stepper;
  /** Invariant coordinates (needed for the quotient coordinate systems). */
  invariants: InvariantMap | null;
  coordinates?: readonly CoordinateName[];
  /** Frames kept in the cache (default 4096). */
  cacheSize?: number;
  /** A frame cache shared by fields on the same chart and invariants (other optimizers, steps, batches). */
  frames?: Map<string, Frame>;
}

export interface QuotientField extends DriftField {
  frame(s: Float64Array): Frame;
}

export function quotientDriftField(o: QuotientFieldOptions): QuotientField {
  const names = o.coordinates ?? (o.invariants ? ["raw", "quotient-euclidean", "quotient-metric"] : ["raw"]);
  if (!o.invariants && names.some((n) => n !== "raw")) throw new Error("quotient coordinates need an invariant map");
  const { chart, stepper } = o;
  const k = chart.dim;
  const cache = o.frames ?? new Map<string, Frame>();
  const limit = o.cacheSize ?? 4096;
  const frame = (s: Float64Array): Frame => {
    const id = Array.from(s, (v) => v.toPrecision(17)).join(",");
    let f = cache.get(id);
    if (!f) {
      if (cache.size >= limit) cache.clear();
      f = frameAt(chart, s, o.invariants);
      cache.set(id, f);
    }
    return f;
  };
  const flow = stepper.kind === "flow";
  const forms = (f: Frame, d: Float64Array): Float64Array[] => {
    let dv: Float64Array | null = null;
    const quotientDv = () => {
      if (dv) return dv;
      if (flow) dv = jvp(f.J!, d);
      else {
        const next = f.theta.map((t, i) => t + d[i]);
        const v1 = o.invariants!.map(next);
        dv = v1.map((x, i) => x - f.v![i]);
      }
      return dv;
    };
    const project = (basis: Float64Array[], x: Float64Array) => {
      const out = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        let s = 0;
        const b = basis[i];
        for (let j = 0; j < x.length; j++) s += b[j] * x[j];
        out[i] = s / stepper.eta;
      }
      return out;
    };
    return names.map((n) => {
      if (n === "raw") return project(f.T, d);
      const m = project(n.startsWith("quotient-euclidean") ? f.P! : f.Q!, quotientDv());
      if (n.endsWith("-excess")) {
        const r = project(f.T, d);
        for (let i = 0; i < k; i++) m[i] -= r[i];
      }
      return m;
    });
  };
  const averaged = (all: Float64Array[][]): Float64Array[] =>
    all[0].map((_, c) => {
      const out = new Float64Array(k);
      for (const a of all) for (let i = 0; i < k; i++) out[i] += a[c][i] / all.length;
      return out;
    });
  const field: QuotientField = {
    dim: k,
    coordinates: names.map((n) => COORDINATES[n]),
    deterministic: stepper.deterministic,
    frame,
    sample(s: Float64Array, stream: Key) {
      const f = frame(s);
      return forms(f, stepper.displacement(f.theta, stream));
    },
  };
  if (stepper.enumerable)
    field.mean = (s: Float64Array) => {
      const f = frame(s);
      const all = stepper.allDisplacements(f.theta) as Float64Array[];
      return averaged(all.map((d) => forms(f, d)));
    };
  return field;
}
