#!/usr/bin/env node
/**
 * Runs the tests with node's test runner through tsx.
 *
 *   node scripts/test.mjs [all|unit|e2e] [--isolate] [node --test options, e.g. --test-name-pattern=resume]
 *
 * unit: every *.test.ts outside test/e2e (the CLI is tested in-process through main()); e2e:
 * test/e2e (seconds of training, the benchmark runner, several processes on one store, signals, the
 * installed command); all (the default): both.
 *
 * Each end-to-end file runs in a process of its own. The unit files share a few processes, one per
 * core (at least two; the files are dealt round-robin): starting a process with the TypeScript loader
 * and importing the library again for every one of ~75 files cost more CPU than the tests themselves.
 * Node 22's --test-isolation=none does the same; Node 20 lacks it, hence the small entry files written
 * here. `--isolate` runs every unit file in its own process instead (to rule out one file's global
 * state — the GEMM backend, process.env, the working directory — affecting another).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = new URL("..", import.meta.url).pathname;
const SETS = ["all", "unit", "e2e"];

const argv = process.argv.slice(2);
const set = SETS.includes(argv[0]) ? argv.shift() : "all";
const isolate = argv.includes("--isolate");
const extra = argv.filter((a) => a !== "--isolate");
if (extra.length > 0 && !extra[0].startsWith("--")) {
  process.stderr.write(`usage: node scripts/test.mjs [${SETS.join("|")}] [--isolate] [node --test options]\n`);
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

const isE2e = (file) => file.startsWith(`test${sep}e2e${sep}`);
const all = testFiles(join(ROOT, "test")).sort();
const e2e = set === "unit" ? [] : all.filter(isE2e);
const unit = set === "e2e" ? [] : all.filter((f) => !isE2e(f));
const slots = Math.max(2, availableParallelism());

/** Entry files that import the unit files, dealt round-robin into `slots` groups. */
function shardEntries(files) {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-tests-"));
  const groups = Array.from({ length: Math.min(slots, files.length) }, () => []);
  files.forEach((f, i) => groups[i % groups.length].push(f));
  const entries = groups.map((group, k) => {
    const entry = join(dir, `unit-${k + 1}-of-${groups.length}.test.mts`);
    const imports = group.map((f) => `await import(${JSON.stringify(pathToFileURL(join(ROOT, f)).href)});`);
    writeFileSync(entry, `// ${group.join(", ")}\n${imports.join("\n")}\n`);
    return entry;
  });
  return { dir, entries };
}

const shards = isolate || unit.length === 0 ? null : shardEntries(unit);
// The end-to-end files take longest, so they start first and the rest fill in around them.
const files = [...e2e, ...(shards ? shards.entries : unit)];
const args = ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${slots}`, ...extra];
const r = spawnSync(process.execPath, [...args, ...files], { cwd: ROOT, stdio: "inherit" });
if (shards) rmSync(shards.dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
