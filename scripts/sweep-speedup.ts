/**
 * The local pool's speed-up (docs/sweeps.md §speed-up): the same sweep of equal jobs through the
 * built command, `shocklens sweep --workers W`, for each W (default 1 and 2), each time into a fresh
 * store; prints the wall-clock seconds (process start to the JSON on stdout), the speed-up over one
 * process, the CPU seconds the command and its pool used (Linux: from /proc, the children's times)
 * and so how many cores it kept busy on average, and the load average before and after — on a
 * machine busy with other work the pool gets fewer cores than it has processes, and that shows.
 *
 *   npm run build && node --import tsx scripts/sweep-speedup.ts [--jobs 8] [--steps 1500] [--workers 1,2] [--json]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const ROOT = new URL("../", import.meta.url).pathname;
const BIN = join(ROOT, "bin/shocklens.js");
if (!existsSync(join(ROOT, "dist/sweep/child.js"))) {
  process.stderr.write("sweep-speedup: build first (npm run build): it times the shipped command\n");
  process.exit(2);
}
const jobs = Number(arg("jobs", "8"));
const steps = Number(arg("steps", "1500"));
const pools = arg("workers", "1,2").split(",").map(Number);
const json = process.argv.includes("--json");

const spec = {
  name: "speedup",
  base: {
    model: { arch: "mlp", sizes: [2, 32, 32, 2], activation: "tanh" },
    data: { name: "two-moons", n: 512 },
    optimizer: { name: "sgd", lr: 0.1 },
    steps,
    batchSize: 32,
    logEvery: 10,
    evalEvery: 500,
    checkpointEvery: 500,
  },
  seeds: jobs,
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
/** CPU seconds (user + system) of this process's waited-for descendants, or NaN off Linux. */
function childrenCpu(): number {
  if (!existsSync("/proc/self/stat")) return NaN;
  // Fields after the command name's closing parenthesis: cutime and cstime are the 14th and 15th.
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(f[13]) + Number(f[14])) / TICKS;
}

function time(workers: number): { workers: number; seconds: number; cpuSeconds: number } {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-speedup-"));
  try {
    const file = join(dir, "sweep.json");
    writeFileSync(file, JSON.stringify(spec));
    const args = [
      BIN,
      "sweep",
      "--config",
      file,
      "--store",
      join(dir, "runs.db"),
      "--workers",
      String(workers),
      "--json",
      "--quiet",
    ];
    const cpu0 = childrenCpu();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = childrenCpu() - cpu0;
    if (r.status !== 0) throw new Error(`shocklens sweep --workers ${workers} failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { finished: number };
    if (out.finished !== jobs) throw new Error(`only ${out.finished} of ${jobs} jobs finished`);
    return { workers, seconds, cpuSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const before = load();
const times = pools.map((w) => time(w));
const after = load();
const one = times.find((t) => t.workers === 1)?.seconds ?? times[0].seconds;
const result = {
  jobs,
  steps,
  cores: availableParallelism(),
  loadBefore: before,
  loadAfter: after,
  pools: times.map((t) => ({ ...t, busyCores: t.cpuSeconds / t.seconds, speedup: one / t.seconds })),
};
if (json) process.stdout.write(JSON.stringify(result) + "\n");
else
  process.stdout.write(
    [
      `${jobs} jobs of ${steps} SGD steps (2-32-32-2 tanh MLP, two moons), ${result.cores} cores, load average ${before} → ${after}`,
      ...result.pools.map(
        (p) =>
          `--workers ${p.workers}: ${p.seconds.toFixed(1)} s   speed-up ${p.speedup.toFixed(2)}×   ` +
          `CPU ${p.cpuSeconds.toFixed(1)} s, ${p.busyCores.toFixed(2)} cores busy on average`,
      ),
    ].join("\n") + "\n",
  );
