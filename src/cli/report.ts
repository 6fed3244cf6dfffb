/**
 * `shocklens report ID [--out R.html]`: the self-contained HTML report of one run (opens offline,
 * every figure exportable as SVG and PNG). Reads the store read-only; prints the file's path.
 */
import type { Command } from "commander";
import { checkOutput } from "../io/output.ts";
import { buildReport, ReadOnlyStore, writeReport } from "../report/index.ts";
import { resolveStorePath } from "../store/paths.ts";
import { printJson } from "./options.ts";

interface ReportCliOptions {
  store?: string;
  out?: string;
  force?: boolean;
  analysis?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("report")
    .description("write the self-contained HTML report of a run (plots, events, spectra, slice, config)")
    .argument("<id>", "run id or a unique prefix of it")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--out <file>", "where to write the report (default: ./report-<run id>.html)")
    .option("--force", "overwrite --out if it exists (never the store or its files)")
    .option("--no-analysis", "skip the analysis of the final weights (Hessian spectra, verification slice)")
    .option("--json", "print one JSON object {run, path, figures}")
    .action((ref: string, o: ReportCliOptions) => {
      const storePath = resolveStorePath(o.store);
      const store = ReadOnlyStore.open(storePath);
      try {
        // The output is checked before the (seconds long) analysis, and again when it is written.
        const out = o.out ?? `report-${store.resolveRunId(ref)}.html`;
        checkOutput({ path: out, what: "--out" }, { store: storePath, force: o.force });
        const built = buildReport(store, ref, { analysis: o.analysis !== false });
        const path = writeReport(out, built.html, storePath, { force: o.force });
        if (o.json) printJson({ run: built.run, path, figures: built.figures });
        else process.stdout.write(`${path}\n`);
      } finally {
        store.close();
      }
    });
}
