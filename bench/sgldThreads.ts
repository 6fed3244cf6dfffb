/**
 * The local-entropy sgld chains and smc replicates at one and at two threads (docs/performance.md
 * §local-entropy-chains): the same estimate on a two-moons MLP 2-32-32-2 (tanh, cross-entropy on
 * 800 points, 1 218 parameters), alternated in one process after an untimed warm-up of each (the
 * worker's start). Per round: the wall time, and on Linux the CPU seconds of the caller's thread
 * and of the busiest other thread (the worker at two threads), from /proc/self/task — on a
 * machine with two free cores the wall time at two threads is about the larger of the two, which
 * a loaded machine does not show. Every result must equal the first of its method bit for bit.
 *
 *   npm run bench:chains [-- rounds [sgld|smc|sgld,smc]]      (compiles into .bench-build, then runs this)
 *
 * sgld: 4 chains × 16 λ nodes × (60 + 80) steps; smc: a pilot and 8 replicates of 16 particles,
 * up to 10 MALA sweeps per stage.
 */
import { readdirSync, readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { setGemmThreads, gemmBackendName } from "../src/core/backends/gemm/index.ts";
import { key } from "../src/core/random.ts";
import { ravel } from "../src/core/tree.ts";
import { twoMoons } from "../src/data/synthetic.ts";
import { modelOf, parseModelConfig } from "../src/nn/index.ts";
import {
  localEntropy,
  modelObjective,
  type LocalEntropyOptions,
  type LocalEntropyResult,
} from "../src/coarse/index.ts";

const rounds = Number(process.argv[2] ?? 3);
const methods = (process.argv[3] ?? "sgld,smc").split(",");
/** Each method's options; `warm`: the cheaper warm-up run. */
const options: Record<string, (warm: boolean) => LocalEntropyOptions> = {
  sgld: (warm) => ({ method: "sgld", t: 0.05, beta: 100, seed: 1, burnIn: 60, samples: warm ? 20 : 80 }),
  smc: (warm) => ({ method: "smc", t: 0.05, beta: 100, seed: 1, particles: 16, maxMoves: warm ? 2 : 10 }),
};
for (const m of methods) if (!(m in options)) throw new Error(`bench:chains: unknown method ${m} (sgld or smc)`);
const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [2, 32, 32, 2], activation: "tanh" }));
const params = model.init(key(0));
const { train } = twoMoons({ n: 1000, noise: 0.1, trainFraction: 0.8 }, key(1));
const objective = modelObjective(model, params, train.x, train.y, "xent");
const x = ravel(params);

/** CPU seconds (user + system) of each thread of this process, by thread id. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    out.set(tid, (Number(f[11]) + Number(f[12])) / 100); // utime, stime in clock ticks (USER_HZ = 100)
  }
  return out;
}

function estimate(
  threads: number,
  o: LocalEntropyOptions,
): { r: LocalEntropyResult; wall: number; main: number; other: number } {
  setGemmThreads(threads);
  const before = threadCpu();
  const t0 = performance.now();
  const r = localEntropy(objective, x, o);
  const wall = (performance.now() - t0) / 1000;
  let main = 0;
  let other = 0;
  for (const [tid, cpu] of threadCpu()) {
    const d = cpu - (before.get(tid) ?? 0);
    if (tid === String(process.pid)) main = d;
    else other = Math.max(other, d);
  }
  return { r, wall, main, other };
}

const strip = (r: LocalEntropyResult) => ({ ...r, details: { ...r.details, chainThreads: undefined } });
const load = () => readFileSync("/proc/loadavg", "utf8").trim();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const method of methods) {
  estimate(1, options[method](true));
  estimate(2, options[method](true));
  console.log(`${method}, ${objective.dim} parameters, GEMM ${gemmBackendName()}, load ${load()}`);
  console.log("round threads  wall s  caller-thread cpu s  busiest-other-thread cpu s");
  let first: unknown = null;
  const walls: Record<number, number[]> = { 1: [], 2: [] };
  for (let round = 1; round <= rounds; round++)
    for (const threads of [1, 2]) {
      const { r, wall, main, other } = estimate(threads, options[method](false));
      if (r.details.chainThreads !== threads)
        throw new Error(`${method} ran on ${String(r.details.chainThreads)} threads`);
      first ??= strip(r);
      if (!isDeepStrictEqual(strip(r), first))
        throw new Error(`${method}, round ${round}, ${threads} threads: a different result`);
      walls[threads].push(wall);
      console.log(
        `${round}     ${threads}       ${wall.toFixed(2)}    ${main.toFixed(2)}                 ${other.toFixed(2)}`,
      );
    }
  console.log(
    `${method} median wall: 1 thread ${median(walls[1]).toFixed(2)} s, 2 threads ${median(walls[2]).toFixed(2)} s ` +
      `(×${(median(walls[1]) / median(walls[2])).toFixed(2)}); every result identical; load ${load()}`,
  );
}
