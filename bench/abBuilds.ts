/**
 * One workload of bench/workloads.ts timed in two (or more) compiled builds of the library in the
 * same process, alternately, in short blocks (docs/performance.md §eager-overhead-of-tiny-gradients).
 * On a shared machine the load moves by tens of per cent within seconds, so two builds timed one
 * after the other do not compare; alternating blocks of a few milliseconds do, through the median
 * of the per-block ratios (each block against the first build's block of the same round). The
 * check values of the builds must agree exactly.
 *
 *   cp -r .bench-build tmp/before              (before the change; inside the repository, so that
 *                                               its dependencies and dist/wasm are found)
 *   npm run bench:ab -- tinyGrad tmp/before .bench-build [--blocks 300] [--block-ms 5]
 *
 * A workload is the name of a builder exported by bench/workloads.ts, with an integer argument
 * after a colon where it takes one ("mlpStep:64").
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { fieldError } from "../src/validate.ts";

interface Unit {
  run: () => unknown;
  check: () => unknown;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args.splice(i, 2)[1]);
  if (!(v > 0)) throw fieldError(name, "a positive number", String(v));
  return v;
};
const blocks = option("--blocks", 300);
const blockMs = option("--block-ms", 5);
const [spec, ...dirs] = args;
if (spec === undefined || dirs.length < 2) {
  throw fieldError("arguments", "a workload and at least two build folders", args.join(" "));
}
const [name, arg] = spec.split(":");

const units: Unit[] = [];
for (const dir of dirs) {
  const mod = (await import(pathToFileURL(resolve(dir, "bench/workloads.js")).href)) as Record<string, unknown>;
  const build = mod[name];
  if (typeof build !== "function") throw fieldError("workload", "a builder exported by bench/workloads.ts", name);
  units.push((arg === undefined ? build() : build(Number(arg))) as Unit);
}

// Every build warms up for about 300 ms (optimised code); the block length comes from the first
// build's warm speed.
let perRun = 0;
for (let j = 0; j < units.length; j++) {
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 300) {
    units[j].run();
    runs++;
  }
  if (j === 0) perRun = (performance.now() - t0) / runs;
}
const reps = Math.max(1, Math.round(blockMs / perRun));

const times = units.map(() => new Array<number>(blocks));
for (let b = 0; b < blocks; b++) {
  for (let j = 0; j < units.length; j++) {
    const k = (j + b) % units.length; // each build takes each place in the round equally often
    const s = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) units[k].run();
    times[k][b] = Number(process.hrtime.bigint() - s) / 1e3 / reps;
  }
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const median = (a: number[]) => sorted(a)[a.length >> 1];
const first = JSON.stringify(units[0].check());
console.log(`${spec}: ${blocks} blocks of ${reps} runs per build, alternating`);
for (let j = 0; j < units.length; j++) {
  const s = sorted(times[j]);
  const ratio = median(times[j].map((t, b) => t / times[0][b]));
  const same = JSON.stringify(units[j].check()) === first;
  console.log(
    `${dirs[j].padEnd(24)} median ${median(times[j]).toFixed(3)} µs  p10 ${s[Math.floor(s.length / 10)].toFixed(3)} µs  ` +
      `ratio to ${dirs[0]} ${ratio.toFixed(3)}  check ${same ? "same" : "DIFFERS"}`,
  );
  if (!same) process.exitCode = 1;
}
