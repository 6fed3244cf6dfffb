/**
 * `shocklens worker --queue redis://HOST:PORT [--concurrency N] [--scratch DIR]` (docs/sweeps.md
 * §workers): computes the jobs of sweeps submitted with `shocklens sweep --queue …`, on this machine,
 * until stopped (Ctrl-C or SIGTERM: running jobs checkpoint and go back to the queue; exit 0).
 */
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import { redisOptions } from "../sweep/queueKeys.ts";
import { parseNumber } from "./options.ts";

interface WorkerCliOptions {
  queue?: string;
  concurrency?: string;
  scratch?: string;
  stallTimeout?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command("worker")
    .description("compute the jobs of sweeps submitted with `shocklens sweep --queue` (runs until stopped)")
    .option("--queue <url>", "redis://HOST:PORT[/DB] of the sweep's coordinator")
    .option("--concurrency <n>", "jobs at once, each in its own process (default: all cores)")
    .option("--scratch <dir>", "folder for the jobs' scratch stores and checkpoints (default: the system temp folder)")
    .option(
      "--stall-timeout <s>",
      "seconds without a sign of life before a job of a lost worker is handed to another (default 30; same on every worker)",
    )
    .option("--quiet", "nothing on stderr but errors")
    .action(async (o: WorkerCliOptions) => {
      if (o.queue === undefined) throw new InputError("worker: --queue redis://HOST:PORT is required");
      redisOptions(o.queue);
      const concurrency =
        o.concurrency === undefined
          ? availableParallelism()
          : parseNumber(o.concurrency, "--concurrency", { integer: true, min: 1 });
      const stallSeconds =
        o.stallTimeout === undefined ? 30 : parseNumber(o.stallTimeout, "--stall-timeout", { min: 1 });
      const { runWorker } = await import("../sweep/worker.ts");
      const abort = new AbortController();
      const onSignal = (sig: NodeJS.Signals) => {
        if (abort.signal.aborted) process.exit(130);
        if (!o.quiet)
          process.stderr.write(`\nshocklens worker: ${sig}: checkpointing running jobs and handing them back\n`);
        abort.abort();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        await runWorker({
          url: o.queue,
          concurrency,
          scratch: o.scratch ?? join(tmpdir(), "shocklens-worker"),
          stallSeconds,
          signal: abort.signal,
          log: o.quiet ? undefined : (line) => process.stderr.write(`shocklens worker: ${line}\n`),
        });
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
