/**
 * The gradient-field summary of the monitor (docs/monitor.md §observables, docs/gradient-field.md):
 * the Jacobian asymmetry ‖J − Jᵀ‖_F/(√2‖J‖_F) of the full-batch gradient-descent drift field, at
 * the run's current learning rate, in the metric gradient flow induces on the quotient, on the 2-d
 * affine chart through the canonical representative θ_c spanned by the quotient Hessian's top and
 * bottom eigenvectors (horizontal directions). Zero for a gradient field; O(η) for finite-step
 * gradient descent (docs/theory.md §e.2). Centred differences of step h (4 GD updates and their
 * frames). Only for models whose invariants are closed forms (`invariantMap`); null otherwise.
 */
import type { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import { InputError } from "../errors.ts";
import type { LossName, Model } from "../nn/index.ts";
import type { SymmetryGroup } from "../symmetry/index.ts";
import { type Tree, ravel } from "../core/tree.ts";
import {
  affineChart,
  invariantMap,
  jacobianAsymmetry,
  makeStepper,
  optimizerSpec,
  quotientDriftField,
} from "../gradientfield/index.ts";

export interface GradientFieldProbe {
  model: Model;
  group: SymmetryGroup;
  x: Tensor;
  y: Tensor;
  loss: LossName;
}

export function gradientFieldAsymmetry(
  p: GradientFieldProbe,
  canonical: Tree,
  directions: [Float64Array, Float64Array],
  lr: number,
  key: Key,
): number | null {
  let phi;
  try {
    phi = invariantMap(p.group, canonical);
  } catch (err) {
    if (err instanceof InputError) return null; // no closed-form invariants for this model
    throw err;
  }
  const theta = ravel(canonical);
  const chart = affineChart(theta, directions, "top and bottom quotient Hessian directions at θ_c");
  const stepper = makeStepper(
    { model: p.model, template: canonical, x: p.x, y: p.y, loss: p.loss },
    { kind: "step", optimizer: optimizerSpec({ name: "sgd", lr }), batchSize: p.x.shape[0], replacement: false },
  );
  const field = quotientDriftField({ chart, stepper, invariants: phi, coordinates: ["quotient-metric"] });
  let norm = 0;
  for (const v of theta) norm += v * v;
  const h = 1e-4 * Math.max(1, Math.sqrt(norm));
  return jacobianAsymmetry(field, new Float64Array(2), { h, key })[0].asymmetry;
}
