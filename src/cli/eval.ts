/** `shocklens eval`: loss, gradient and Hessian-vector product of a model on data, in float64. */
import type { Command } from "commander";
import { loadDirection, treeArrays } from "../nn/files.ts";
import { evaluateModel } from "../nn/evaluate.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { printJson } from "./options.ts";
import { addProblemOptions, describeInput, loadCommandProblem, problemGuard, type ProblemOptions } from "./problem.ts";
import type { NDArray } from "../io/ndarray.ts";
import { checkOutputs } from "../io/output.ts";

interface EvalOptions extends ProblemOptions {
  direction?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command("eval")
    .description("loss, gradient and (with --direction) the exact Hessian-vector product, in float64");
  addProblemOptions(cmd, "required")
    .option("--direction <file>", "direction v (safetensors, same names as the weights) for H·v")
    .option("--out <file>", "write loss, grad.<param> and hvp.<param> here (safetensors, F64)")
    .option("--force", "overwrite --out if it exists (never an input file or the run store)")
    .option("--json", "print one JSON summary object on stdout")
    .action((o: EvalOptions) => runEval(o));
}

export function runEval(o: EvalOptions): void {
  // Checked before any work: an output that would overwrite an input is refused up front.
  checkOutputs([o.out === undefined ? undefined : { path: o.out, what: "--out" }], {
    ...problemGuard(o, o.direction === undefined ? undefined : { path: o.direction, what: "--direction" }),
    force: o.force,
  });
  const { model, params, data: d, input } = loadCommandProblem(o, true);
  const data = d!;
  const loss = data.loss;
  const direction = o.direction ? loadDirection(o.direction, model) : undefined;
  const r = evaluateModel(model, params, data.x, data.y, loss, direction);
  if (!Number.isFinite(r.loss)) throw new Error(`loss is ${r.loss} at these weights and data`);
  if (o.out) {
    const out = new Map<string, NDArray>([["loss", { dtype: "F64", shape: [], data: Float64Array.of(r.loss) }]]);
    for (const [k, v] of treeArrays(r.grad, "grad.")) out.set(k, v);
    if (r.hvp) for (const [k, v] of treeArrays(r.hvp, "hvp.")) out.set(k, v);
    writeSafetensors(o.out, out, { producer: "shocklens eval", loss });
  }
  const summary = {
    loss: r.loss,
    gradNorm: r.gradNorm,
    params: r.params,
    lossFunction: loss,
    ...(r.vHv !== undefined ? { vHv: r.vHv } : {}),
    ...(o.out ? { out: o.out } : {}),
    ...(input ? { input } : {}),
  };
  if (o.json) printJson(summary);
  else {
    process.stdout.write(`loss      ${r.loss}\ngrad norm ${r.gradNorm}\nparams    ${r.params}\n`);
    if (input) process.stdout.write(`input     ${describeInput(input)}\n`);
    if (r.vHv !== undefined) process.stdout.write(`⟨v, Hv⟩    ${r.vHv}\n`);
    if (o.out) process.stdout.write(`wrote     ${o.out}\n`);
  }
}
