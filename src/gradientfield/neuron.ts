/**
 * The worked example of docs/gradient-field.md §neuron: one ReLU neuron with bias, f(x) = a·relu(wx + b)
 * with a > 0 — the mean-field network with input 1 and width 1 — fitted by mse to eight points.
 * Quotient coordinates v = a(w, b) (the rescaling invariants), loss ℓ(v) = mean_i (relu(v₁xᵢ + v₂) − yᵢ)².
 * Gradient flow conserves c = w² + b² − a², and the induced quotient flow is
 *
 *   v̇ = −M_c(v) ∇ℓ(v),   M_c = a² I + v vᵀ/a²,   a² = (−c + √(c² + 4|v|²))/2,
 *
 * a gradient flow in the metric M_c⁻¹ but not in the Euclidean metric on v. The chart of this
 * module is v itself, lifted at fixed c: θ(v) = (v/a, a).
 */
import { Tensor } from "../core/tensor.ts";
import { modelOf, parseModelConfig } from "../nn/index.ts";
import { groupOf } from "../nn/registry.ts";
import { invariantMap, type Chart, type InvariantMap } from "./quotientFrame.ts";
import { makeStepper, optimizerSpec, type Problem } from "./stepper.ts";
import { quotientDriftField, type QuotientField } from "./quotientField.ts";

/** The eight data points (x, y) of the example. */
export const NEURON_X = [0.6, 1.0, 1.4, 1.8, 2.2, 2.6, 3.0, 3.4];
export const NEURON_Y = [0.9, 1.5, 1.7, 2.6, 2.8, 3.9, 4.1, 4.8].map((v) => v * 0.5);

export const NEURON_CONFIG = parseModelConfig({
  arch: "meanfield",
  input: 1,
  width: 1,
  activation: "relu",
  bias: true,
});

/** The regression problem (params w [1, 1], b [1], a [1]; flat order w, b, a). */
export function neuronProblem(): Problem {
  const model = modelOf(NEURON_CONFIG);
  return {
    model,
    template: model.init([0, 0]),
    x: new Tensor(Float64Array.from(NEURON_X), [NEURON_X.length, 1]),
    y: new Tensor(Float64Array.from(NEURON_Y), [NEURON_Y.length]),
    loss: "mse",
  };
}

export const neuronGroup = () => groupOf(NEURON_CONFIG);

/** a² on the fibre of v with charge c. */
export function aSquared(v: ArrayLike<number>, c: number): number {
  return 0.5 * (-c + Math.sqrt(c * c + 4 * (v[0] * v[0] + v[1] * v[1])));
}

/** M_c(v) = a²I + vvᵀ/a² (row-major 2 × 2). */
export function inducedMetricInverse(v: ArrayLike<number>, c: number): Float64Array {
  const a2 = aSquared(v, c);
  return Float64Array.of(a2 + (v[0] * v[0]) / a2, (v[0] * v[1]) / a2, (v[0] * v[1]) / a2, a2 + (v[1] * v[1]) / a2);
}

/** ∇ℓ(v) over the data indices `idx` (all by default), in closed form. */
export function quotientLossGrad(v: ArrayLike<number>, idx?: readonly number[]): Float64Array {
  const ids = idx ?? NEURON_X.map((_, i) => i);
  let g0 = 0,
    g1 = 0;
  for (const i of ids) {
    const z = v[0] * NEURON_X[i] + v[1];
    if (z > 0) {
      const r = z - NEURON_Y[i];
      g0 += 2 * r * NEURON_X[i];
      g1 += 2 * r;
    }
  }
  return Float64Array.of(g0 / ids.length, g1 / ids.length);
}

/**
 * The chart v ↦ θ(v) = (w, b, a) = (v/a, a) at fixed charge c, with its exact tangent:
 * ∂a/∂v = v / (a √(c² + 4|v|²)),  ∂(v/a)/∂v = I/a − v (∂a/∂v)ᵀ/a².
 */
export function fixedChargeChart(c: number): Chart {
  const lift = (v: Float64Array) => {
    const a = Math.sqrt(aSquared(v, c));
    return Float64Array.of(v[0] / a, v[1] / a, a);
  };
  return {
    dim: 2,
    n: 3,
    description: `v = a(w, b) lifted at fixed charge c = w² + b² − a² = ${c}`,
    lift,
    tangent(v) {
      const a = Math.sqrt(aSquared(v, c));
      const root = Math.sqrt(c * c + 4 * (v[0] * v[0] + v[1] * v[1]));
      const da = [v[0] / (a * root), v[1] / (a * root)];
      return [0, 1].map((j) =>
        Float64Array.of(
          (j === 0 ? 1 / a : 0) - (v[0] * da[j]) / (a * a),
          (j === 1 ? 1 / a : 0) - (v[1] * da[j]) / (a * a),
          da[j],
        ),
      );
    },
  };
}

let invariants: InvariantMap | undefined;
const neuronInvariants = () => (invariants ??= invariantMap(neuronGroup(), neuronProblem().template));

/** Gradient flow of the neuron on the chart v at fixed charge c (raw, Euclidean-invariant, induced metric). */
export function neuronFlowField(c: number): QuotientField {
  return quotientDriftField({
    chart: fixedChargeChart(c),
    stepper: makeStepper(neuronProblem(), { kind: "flow" }),
    invariants: neuronInvariants(),
  });
}

/** SGD with step η on batches of 2 of the 8 points, without replacement (exact mean by enumeration). */
export function neuronSgdField(eta: number, c = 0.4): QuotientField {
  return quotientDriftField({
    chart: fixedChargeChart(c),
    stepper: makeStepper(neuronProblem(), {
      kind: "step",
      optimizer: optimizerSpec({ name: "sgd", lr: eta }),
      batchSize: 2,
      replacement: false,
    }),
    invariants: neuronInvariants(),
  });
}
