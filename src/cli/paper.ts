/**
 * `shocklens paper [--out DIR]`: checks the paper's claims one by one — the monitoring claim on a
 * small grokking family trained with the monitor into the run store (`--store`, `--monitor-seeds`,
 * `--no-monitor`) — and writes a referee-style report (docs/gradient-field.md §paper): DIR/paper.md with its SVG figures beside it, and
 * DIR/paper.html, self-contained (figures inline). Progress on stderr; prints the HTML's path, or
 * with --json one object {out, files, claims: [{id, title, verdict}], seconds}. The folder goes
 * through the output guard before the (minutes long) checks start: an earlier report in it is
 * replaced only with --force; every file is written atomically (docs/store.md §outputs).
 */
import type { Command } from "commander";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/files.ts";
import { checkOutput } from "../io/output.ts";
import { FAMILIES, parseFamily } from "../experiments/families.ts";
import { runPaper } from "../experiments/paper.ts";
import { renderPaper } from "../experiments/paperReport.ts";
import { storeError } from "../store/connect.ts";
import { resolveStorePath } from "../store/paths.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { parseNumber, printJson } from "./options.ts";

interface PaperOptions {
  out: string;
  force?: boolean;
  seed?: string;
  families?: string;
  networks?: boolean;
  calibrationReps?: string;
  store?: string;
  monitor?: boolean;
  monitorSeeds?: string;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("paper")
    .description("check the paper's claims one by one and write a referee report (Markdown + self-contained HTML)")
    .option("--out <dir>", "output folder (created if missing)", "shocklens-paper")
    .option("--force", "replace an earlier report in the --out folder")
    .option("--seed <S>", "seed of every network, data set and test (default 0)")
    .option("--families <list>", `comma-separated subset of ${FAMILIES.join(",")} (default all four)`)
    .option("--networks", "also measure MNIST MLP, CNN and transformer against η, batch and replacement (minutes)")
    .option("--calibration-reps <n>", "repetitions of the calibration of each test (default 200)")
    .option("--store <file>", "run store of the monitored grokking runs (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--monitor-seeds <n>", "seeds of the monitored grokking family, each with a control run (default 2)")
    .option("--no-monitor", "skip the monitored grokking family (the monitoring claim then awaits)")
    .option("--quiet", "no progress on stderr")
    .option("--json", "print one JSON object on stdout")
    .action(async (o: PaperOptions) => {
      const seed =
        o.seed === undefined
          ? 0
          : parseNumber(o.seed, "--seed", { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
      const families =
        o.families === undefined
          ? [...FAMILIES]
          : [...new Set(o.families.split(",").map((f) => parseFamily(f.trim(), "--families")))];
      const reps =
        o.calibrationReps === undefined
          ? 200
          : parseNumber(o.calibrationReps, "--calibration-reps", { integer: true, min: 10 });
      const monitorSeeds =
        o.monitorSeeds === undefined
          ? 2
          : parseNumber(o.monitorSeeds, "--monitor-seeds", { integer: true, min: 1, max: 10 });
      checkOutput({ path: o.out, what: "--out" }, {}, "directory");
      for (const name of ["paper.md", "paper.html"])
        checkOutput({ path: join(o.out, name), what: "--out" }, { force: o.force });
      const say = o.quiet || o.json ? () => {} : (m: string) => process.stderr.write(`shocklens paper: ${m}\n`);
      const storePath = resolveStorePath(o.store);
      let store: SqliteRunStore | null = null;
      if (o.monitor !== false)
        try {
          store = SqliteRunStore.open(storePath);
        } catch (err) {
          throw storeError(err, storePath);
        }
      let result;
      try {
        result = await runPaper({
          seed,
          families,
          networks: o.networks === true,
          calibrationReps: reps,
          monitor: store ? { store, seeds: monitorSeeds } : undefined,
          progress: say,
        });
      } finally {
        store?.close();
      }
      const files = renderPaper(result);
      mkdirSync(o.out, { recursive: true });
      const written: string[] = [];
      const write = (name: string, text: string) => {
        const path = join(o.out, name);
        writeFileAtomic(path, new TextEncoder().encode(text));
        written.push(path);
      };
      write("paper.md", files.markdown);
      write("paper.html", files.html);
      for (const [name, svg] of Object.entries(files.figures)) write(name, svg);
      if (o.json)
        printJson({
          out: o.out,
          files: written,
          claims: result.claims.map((c) => ({ id: c.id, title: c.title, verdict: c.verdict })),
          seconds: result.seconds,
        });
      else process.stdout.write(`${join(o.out, "paper.html")}\n`);
    });
}
