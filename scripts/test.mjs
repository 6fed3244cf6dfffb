#!/usr/bin/env node
/**
 * Runs the tests with node's test runner through tsx.
 *
 *   node scripts/test.mjs [all|unit|e2e] [node --test options, e.g. --test-name-pattern=resume]
 *
 * unit: every *.test.ts outside test/e2e (fast: the CLI is tested in-process through main());
 * e2e: test/e2e (end to end: seconds of training, the benchmark runner, several processes on one
 * store, signals, the installed command); all (the default): both. Test files run in parallel, one
 * per core but at least two, since many of them wait on the disk or on a child process.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative, sep } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const SETS = ["all", "unit", "e2e"];

const [set = "all", ...extra] = process.argv.slice(2);
if (!SETS.includes(set)) {
  process.stderr.write(`usage: node scripts/test.mjs [${SETS.join("|")}] [node --test options]\n`);
  process.exit(2);
}

/** Every *.test.ts under dir, skipping fixtures folders, as paths relative to the repository root. */
function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "fixtures") out.push(...testFiles(path));
    } else if (entry.name.endsWith(".test.ts")) out.push(relative(ROOT, path));
  }
  return out;
}

const e2e = (file) => file.startsWith(`test${sep}e2e${sep}`);
const all = testFiles(join(ROOT, "test")).sort();
// The end-to-end files take longest, so they start first and the short ones fill in around them.
const files = [...(set === "unit" ? [] : all.filter(e2e)), ...(set === "e2e" ? [] : all.filter((f) => !e2e(f)))];
const concurrency = Math.max(2, availableParallelism());
const args = ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${concurrency}`, ...extra];
const r = spawnSync(process.execPath, [...args, ...files], { cwd: ROOT, stdio: "inherit" });
process.exit(r.status ?? 1);
