/**
 * `shocklens serve [--store F] [--port P] [--host H]`: the local dashboard over the run store
 * (read-only), bound to 127.0.0.1 unless --host says otherwise. Runs until interrupted.
 */
import type { Command } from "commander";
import { startDashboard } from "../dashboard/server.ts";
import { resolveStorePath } from "../store/paths.ts";
import { parseNumber } from "./options.ts";

interface ServeOptions {
  store?: string;
  port?: string;
  host?: string;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("local dashboard: runs, live curves, comparisons, reports and the Explore page")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--port <n>", "TCP port (default 6006; 0 picks a free one)")
    .option("--host <address>", "address to listen on (default 127.0.0.1: this machine only)")
    .action(async (o: ServeOptions) => {
      const port = o.port === undefined ? 6006 : parseNumber(o.port, "--port", { integer: true, min: 0, max: 65535 });
      const d = await startDashboard({ store: resolveStorePath(o.store), port, host: o.host });
      process.stdout.write(`shocklens dashboard on ${d.url} (store ${resolveStorePath(o.store)}; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void d.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
