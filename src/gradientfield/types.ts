/**
 * A drift field as the gradient-field tests see it (docs/gradient-field.md §fields): at a point s of
 * a k-dimensional chart, one noisy evaluation F(s; ω) of a 1-form — the mean update of an
 * optimizer divided by its step, in one or more coordinate systems at once. Every coordinate system
 * is named together with the metric its components are stated in.
 *
 * Common random numbers: two evaluations with the same stream key use the same randomness (the
 * same mini-batch sequence, the same Langevin noise), so differences between neighbouring points
 * cancel the noise that is common to them.
 */
import type { Key } from "../core/random.ts";

export interface Coordinates {
  /** Short name: "raw", "quotient-euclidean", "quotient-metric", "euclidean", … */
  name: string;
  /** The metric the 1-form's components are stated in (and what "gradient" means for them). */
  metric: string;
}

export interface DriftField {
  /** Chart dimension k. */
  readonly dim: number;
  /** One entry per coordinate system; `sample` returns the 1-forms in this order. */
  readonly coordinates: readonly Coordinates[];
  /** One evaluation at s under the randomness of `stream` (one k-vector per coordinate system). */
  sample(s: Float64Array, stream: Key): Float64Array[];
  /** The exact mean field E[F(s; ω)], where it is computable (controls, enumerable mini-batches). */
  mean?(s: Float64Array): Float64Array[];
  /** True when `sample` draws no randomness (gradient flow, full-batch GD). */
  readonly deterministic?: boolean;
}

/** A field with one coordinate system from plain functions (controls and closed forms). */
export function simpleField(
  coordinates: Coordinates,
  sample: (s: Float64Array, stream: Key) => Float64Array,
  mean?: (s: Float64Array) => Float64Array,
  dim = 2,
): DriftField {
  return {
    dim,
    coordinates: [coordinates],
    sample: (s, k) => [sample(s, k)],
    ...(mean ? { mean: (s: Float64Array) => [mean(s)] } : {}),
  };
}
