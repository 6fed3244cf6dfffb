/**
 * `shocklens experiment NAME [--seeds K] [--quick] [--store F] [--out DIR] [--json]`: runs a canned
 * experiment (docs/experiments.md) into the run store and writes its figures (SVG) and summary
 * (JSON) to --out (default: <store>.runs/experiment-<name>/).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import { resolveStorePath } from "../store/paths.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { EXPERIMENTS, experimentOf } from "../experiments/registry.ts";
import type { ExperimentResult } from "../experiments/types.ts";
import { parseNumber, printJson } from "./options.ts";

interface ExperimentCliOptions {
  seeds?: string;
  quick?: boolean;
  store?: string;
  out?: string;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("experiment")
    .description(`run a canned experiment into the run store: ${EXPERIMENTS.map((e) => e.name).join(", ")}`)
    .argument("<name>", "which experiment")
    .option("--seeds <k>", "seeds per configuration (default: the experiment's)")
    .option("--quick", "a smaller, faster version")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--out <dir>", "where the figures (SVG) and summary.json go (default: <store>.runs/experiment-<name>/)")
    .option("--quiet", "no progress lines on stderr")
    .option("--json", "print one JSON object {experiment, runs, transitions, summary} on stdout")
    .action(async (name: string, o: ExperimentCliOptions) => {
      const exp = experimentOf(name);
      if (!exp)
        throw new InputError(
          `experiment: unknown experiment "${name}" (expected ${EXPERIMENTS.map((e) => e.name).join(", ")})`,
        );
      const seeds =
        o.seeds === undefined ? undefined : parseNumber(o.seeds, "--seeds", { integer: true, min: 1, max: 100 });
      const storePath = resolveStorePath(o.store);
      const store = SqliteRunStore.open(storePath);
      let r: ExperimentResult;
      try {
        r = await exp.run({
          store,
          seeds,
          quick: o.quick,
          log: o.quiet ? undefined : (line) => process.stderr.write(`shocklens: ${line}\n`),
        });
      } finally {
        store.close();
      }
      const out = o.out ?? join(`${storePath}.runs`, `experiment-${name}`);
      mkdirSync(out, { recursive: true });
      const files = Object.entries(r.figures).map(([stem, svg]) => {
        const f = join(out, `${stem}.svg`);
        writeFileSync(f, svg);
        return f;
      });
      const summaryFile = join(out, `${name}-summary.json`);
      const { figures: _figures, ...rest } = r;
      writeFileSync(
        summaryFile,
        JSON.stringify(rest, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n",
      );
      if (o.json) printJson({ ...rest, files: [...files, summaryFile] });
      else {
        process.stdout.write(`experiment ${r.experiment}: ${r.runs.length} run(s) in ${storePath}\n`);
        for (const f of [...files, summaryFile]) process.stdout.write(`wrote     ${f}\n`);
      }
    });
}
