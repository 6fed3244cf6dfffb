/**
 * The inputs every analysis command (`eval`, `quotient`, `entropy`) takes, in one place
 * (docs/cli.md §run-inputs): either files — `--model M --weights W [--data D]` — or a stored run —
 * `--run REF [--step N|latest|best] [--split train|test] [--store F]`, whose model, data, loss and
 * weights come from the store. `--weights` and `--data` may also replace the run's own; `--rename
 * FROM=TO` maps a weights file's tensor names.
 */
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import type { NamedPath, OutputGuard } from "../io/output.ts";
import { loadProblem, type Problem } from "../nn/files.ts";
import { parseRename } from "../nn/names.ts";
import { loadData, chooseLoss } from "../nn/files.ts";
import { checkTargets } from "../nn/registry.ts";
import { resolveStorePath } from "../store/paths.ts";
import { loadRunProblem, parseStepChoice, SPLITS, type RunInput, type SplitName } from "../train/fromRun.ts";
import { parseChoice, parseLoss } from "./options.ts";
import { withStore } from "./store.ts";

export interface ProblemOptions {
  model?: string;
  weights?: string;
  data?: string;
  loss?: string;
  run?: string;
  step?: string;
  split?: string;
  store?: string;
  rename?: string[];
  quiet?: boolean;
}

/** Adds the input options; `data` says whether the command needs data ("required") or can do without. */
export function addProblemOptions(cmd: Command, data: "required" | "optional"): Command {
  return cmd
    .option("--model <file>", "model config (JSON/YAML, docs/file-formats.md); not with --run")
    .option(
      "--weights <file>",
      "weights: safetensors or npz with torch state_dict names, a checkpoint, or nn.Sequential names (mapped by position)",
    )
    .option(
      "--data <file>",
      `data${data === "optional" ? " (x, y) for the loss, gradient and Hessian observables" : ""}: ` +
        "safetensors or npz holding x [N, …] and y [N, …], or a pair X.npy,Y.npy",
    )
    .option("--loss <name>", "mse | xent (default: the run's loss; else xent for integer y, mse otherwise)")
    .option("--run <run>", "a stored run (id, unique prefix, name or latest): model, data, loss and weights from it")
    .option("--step <step>", "with --run: the checkpoint step, latest (default) or best (lowest test/loss)")
    .option("--split <split>", "with --run: the run's train (default) or test samples")
    .option("--store <file>", "with --run: run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option(
      "--rename <FROM=TO>",
      "rename weights tensors before matching (repeatable; e.g. 0=fc0)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--quiet", "no progress and no notes on stderr");
}

/**
 * The output guard's view of the inputs (docs/store.md §outputs): an output never overwrites an
 * input file, nor — with --run — the store, its side files or its run folders.
 */
export function problemGuard(o: ProblemOptions, ...more: (NamedPath | undefined)[]): Omit<OutputGuard, "force"> {
  return {
    inputs: [
      o.model === undefined ? undefined : { path: o.model, what: "--model" },
      o.weights === undefined ? undefined : { path: o.weights, what: "--weights" },
      ...(o.data === undefined ? [] : o.data.split(",").map((path) => ({ path, what: "--data" }))),
      ...more,
    ],
    ...(o.run === undefined ? {} : { store: resolveStorePath(o.store) }),
  };
}

/**
 * Loads what the options name. `needData`: the command cannot work without data. The note of a
 * name mapping (nn/names.ts) goes to stderr unless --quiet.
 */
export function loadCommandProblem(o: ProblemOptions, needData: boolean): Problem & { input?: RunInput } {
  const rename = (o.rename ?? []).map((r) => parseRename(r));
  const onNote = o.quiet ? undefined : (note: string) => process.stderr.write(`shocklens: note: ${note}\n`);
  const loss = parseLoss(o.loss);
  if (o.run === undefined) {
    for (const [opt, v] of [
      ["--step", o.step],
      ["--split", o.split],
      ["--store", o.store],
    ] as const)
      if (v !== undefined) throw new InputError(`${opt}: only with --run <run>`);
    if (o.model === undefined || o.weights === undefined)
      throw new InputError(
        `give --model <file> and --weights <file>${needData ? " and --data <file>" : ""}, or --run <run> for a stored run`,
      );
    if (needData && o.data === undefined) throw new InputError("--data <file> is required (or --run <run>)");
    return loadProblem({ model: o.model, weights: o.weights, data: o.data, loss, rename, onNote });
  }
  if (o.model !== undefined) throw new InputError("--model: not with --run (the run's config gives the model)");
  if (o.step !== undefined && o.weights !== undefined)
    throw new InputError("--step: not with --weights (the weights file replaces the run's stored steps)");
  const step = o.step === undefined ? "latest" : parseStepChoice(o.step);
  const split: SplitName = o.split === undefined ? "train" : parseChoice(o.split, "--split", SPLITS);
  const storePath = resolveStorePath(o.store);
  const p = withStore(storePath, (reader) =>
    loadRunProblem(reader, o.run as string, {
      step,
      weights: o.weights,
      split: o.data === undefined ? split : null,
      rename,
      onNote,
    }),
  );
  if (!p) throw new InputError(`--run ${o.run}: no run store at ${storePath}`);
  if (o.data !== undefined) {
    const data = loadData(o.data, p.cfg);
    const chosen = chooseLoss(loss, data);
    checkTargets(p.cfg, data.x, data.y, chosen, `data ${o.data}`);
    return { ...p, data: { ...data, loss: chosen }, input: { ...p.input, split: null } };
  }
  if (loss !== undefined && p.data) {
    checkTargets(p.cfg, p.data.x, p.data.y, loss, `run ${p.input.run} data with --loss ${loss}`);
    return { ...p, data: { ...p.data, loss } };
  }
  return p;
}

/** "run 3f2a… (mlp-iris) step 200 (checkpoint), train split". */
export function describeInput(i: RunInput): string {
  const step = i.step === null ? `weights ${i.weights}` : `step ${i.step} (${i.kind})`;
  const best = i.chosenBy ? `, best by ${i.chosenBy.key} = ${i.chosenBy.value}` : "";
  return `run ${i.run} (${i.name}) ${step}${best}${i.split === null ? "" : `, ${i.split} split`}`;
}
