#!/usr/bin/env node
/**
 * Install step of shocklens-blas: compiles src/blas.c and the streaming kernels (src/stream.c,
 * softmax.c, norm.c, heads.c) into build/shocklens_blas.node with the system C compiler against
 * OpenBLAS (Debian: `apt-get install libopenblas-dev`) and Node's own N-API headers, then loads it
 * once in a child process and checks a product.
 *
 * It never fails the install: when a compiler, the headers or OpenBLAS are missing, it says so
 * and exits 0, and shocklens uses its WebAssembly GEMM instead. SHOCKLENS_BLAS_SKIP=1 skips it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build", "shocklens_blas.node");
const log = (msg) => process.stderr.write(`shocklens-blas: ${msg}\n`);

function nodeIncludeDir() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    resolve(process.execPath, "..", "..", "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter(Boolean);
  return candidates.find((d) => existsSync(join(d, "node_api.h"))) ?? null;
}

function blasIncludeDirs() {
  const dirs = [
    "/usr/include/x86_64-linux-gnu",
    "/usr/include/aarch64-linux-gnu",
    "/usr/include/openblas",
    "/usr/include",
  ];
  return dirs.filter((d) => existsSync(join(d, "cblas.h")));
}

function main() {
  if (process.env.SHOCKLENS_BLAS_SKIP === "1")
    return log("skipped (SHOCKLENS_BLAS_SKIP=1); shocklens will use its WebAssembly GEMM");
  const nodeInc = nodeIncludeDir();
  if (!nodeInc)
    return log("Node's N-API headers (node_api.h) not found; not built, shocklens will use its WebAssembly GEMM");
  const blasInc = blasIncludeDirs();
  if (blasInc.length === 0)
    return log("cblas.h not found (install libopenblas-dev); not built, shocklens will use its WebAssembly GEMM");
  const cc = process.env.CC || "cc";
  mkdirSync(dirname(out), { recursive: true });
  const args = [
    // -O3 vectorises the streaming loops; -ffp-contract=off keeps every multiply and add
    // separately rounded (no FMA), as in JavaScript, so they match the TypeScript kernels bit for bit.
    "-O3",
    "-ffp-contract=off",
    // sqrt without errno (the result is the same correctly rounded value): lets sqrt vectorise.
    "-fno-math-errno",
    "-fPIC",
    "-shared",
    "-std=c11",
    "-Wall",
    "-DNAPI_VERSION=8",
    "-DNODE_GYP_MODULE_NAME=shocklens_blas",
    `-I${nodeInc}`,
    ...blasInc.map((d) => `-I${d}`),
    "-o",
    out,
    join(here, "src", "blas.c"),
    join(here, "src", "stream.c"),
    join(here, "src", "softmax.c"),
    join(here, "src", "norm.c"),
    join(here, "src", "heads.c"),
    join(here, "src", "sparse.c"),
    "-lopenblas",
    "-lm",
    "-pthread",
  ];
  try {
    execFileSync(cc, args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const why = e.stderr ? e.stderr.toString().trim().split("\n").slice(-3).join(" | ") : e.message;
    rmSync(out, { force: true });
    return log(`could not compile against OpenBLAS (${why}); not built, shocklens will use its WebAssembly GEMM`);
  }
  // Load it in a fresh process (a broken binary must not take the installer down) and check 2×2.
  const check = `const b = require(${JSON.stringify(out)});
    const c = new Float64Array(4);
    b.dgemm(2, 2, 2, Float64Array.of(1, 2, 3, 4), 0, false, Float64Array.of(5, 6, 7, 8), 0, true, c, 0);
    if (c.join() !== "17,23,39,53") throw new Error("wrong product " + c.join());
    process.stdout.write(b.corename());`;
  const r = spawnSync(process.execPath, ["-e", check], {
    encoding: "utf8",
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1" },
  });
  if (r.status !== 0) {
    rmSync(out, { force: true });
    return log(
      `built but failed its self-check (${(r.stderr || "").trim().split("\n")[0]}); removed, shocklens will use its WebAssembly GEMM`,
    );
  }
  log(`built ${out} (OpenBLAS core ${r.stdout.trim()})`);
}

try {
  main();
} catch (e) {
  log(`unexpected error (${e && e.message}); not built, shocklens will use its WebAssembly GEMM`);
}
process.exitCode = 0;
