/**
 * A drop-in for `valueAndGrad` of a model's loss, through compiled plans (one per batch shape,
 * built on first use): what the training loop uses with `compile: true` (docs/performance.md
 * §compiled-step). The gradient is copied out of the plan into a fresh tree shaped like the
 * parameters, so callers may keep it; the numbers are `valueAndGrad`'s, bit for bit.
 *
 * The families with a plan are listed in COMPILED, keyed by their `arch`: mlp (./mlpGrad.ts) and
 * transformer (./transformerGrad.ts). (The family records of src/nn cannot name their plans: the
 * plans are built on src/nn, and the areas import one way.)
 */
import { Tensor, scalar } from "../core/tensor.ts";
import { type Tree, mapTree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { TransformerConfig, TransformerParams } from "../nn/families/transformer.ts";
import type { LossName } from "../nn/losses.ts";
import type { ModelConfig } from "../nn/registry.ts";
import { compileUnsupported, mlpLeafArrays, mlpLeafNames, mlpPlans } from "./mlpGrad.ts";
import { transformerCompileUnsupported } from "./transformerGrad.ts";
import { transformerLeafArrays, transformerLeafNames } from "./transformerLayout.ts";
import { transformerPlans } from "./transformerStep.ts";

type ValueAndGrad = (params: Tree, x: Tensor, target: Tensor) => { value: Tensor; grad: Tree };

interface CompiledFamily {
  /** Why this config/loss has no compiled form, or null. */
  unsupported(cfg: ModelConfig, loss: LossName): string | null;
  /** Leaf names in the plan's order, and per call: the loss and the plan's gradient arrays. */
  build(
    cfg: ModelConfig,
    loss: LossName,
  ): { names: string[]; run: (p: Tree, x: Tensor, t: Tensor) => [number, readonly Float64Array[]] };
}

const mlpFamily: CompiledFamily = {
  unsupported: (cfg, loss) => compileUnsupported(cfg as MlpConfig, loss),
  build(cfg, loss) {
    const mlp = cfg as MlpConfig;
    const planFor = mlpPlans(mlp, loss);
    const arrays: Float64Array[] = [];
    return {
      names: mlpLeafNames(mlp),
      run(params, x, target) {
        const { plan } = planFor(x.shape[0]);
        return [plan.run(mlpLeafArrays(mlp, params as MlpParams, arrays), x.data, target.data), plan.grads];
      },
    };
  },
};

const transformerFamily: CompiledFamily = {
  unsupported: (cfg, loss) => transformerCompileUnsupported(cfg as TransformerConfig, loss),
  build(cfg, loss) {
    const tr = cfg as TransformerConfig;
    const planFor = transformerPlans(tr, loss);
    return {
      names: transformerLeafNames(tr),
      run(params, x, target) {
        const { plan } = planFor(x);
        return [plan.run(transformerLeafArrays(tr, params as TransformerParams), x.data, target.data), plan.grads];
      },
    };
  },
};

const COMPILED: Partial<Record<ModelConfig["arch"], CompiledFamily>> = {
  mlp: mlpFamily,
  transformer: transformerFamily,
};

export function compiledValueAndGrad(cfg: ModelConfig, loss: LossName): ValueAndGrad {
  const family = COMPILED[cfg.arch];
  if (family === undefined)
    throw new InputError(
      `compile: ${cfg.arch} models have no compiled step (compiled: ${Object.keys(COMPILED).join(", ")})`,
      { field: "compile" },
    );
  const why = family.unsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  const { names, run } = family.build(cfg, loss);
  return (params, x, target) => {
    const [value, g] = run(params, x, target);
    const grad = mapTree(params, (t, name) => new Tensor(g[names.indexOf(name)].slice(), t.shape));
    return { value: scalar(value), grad };
  };
}
