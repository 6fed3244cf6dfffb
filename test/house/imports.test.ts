/**
 * The import graph of src/ is acyclic (house rule: an edge module may import the core, never the
 * reverse). The graph is read from the sources: every static `import … from "…"`, `export … from
 * "…"` and `import("…")` with a relative specifier is an edge; type-only imports count too, since
 * a cycle of types is a cycle of ideas. A type query `typeof import("…")` is not an edge: the one
 * in core/tensor.ts names the op namespace handed to VJP rules, which is recursive by nature (the
 * derivative of an op is written with ops) and is never loaded by tensor.ts.
 *
 * The areas (the first folder under src/) must form an acyclic graph as well: an edge module may
 * import the core, never the reverse.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Relative module specifiers of a source file, with comments removed first. */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g,
    /(?<!\btypeof\s+)\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s*["']([^"']+)["']/gm,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1].startsWith(".")) specs.push(m[1]);
  return specs;
}

/** Every elementary cycle reachable by depth-first search, each as a list of files (first = last). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    state.set(v, 1);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      const s = state.get(w);
      if (s === 1) cycles.push([...stack.slice(stack.indexOf(w)), w]);
      else if (s === undefined) visit(w);
    }
    stack.pop();
    state.set(v, 2);
  };
  for (const v of [...graph.keys()].sort()) if (!state.has(v)) visit(v);
  return cycles;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const deps = importSpecifiers(readFileSync(file, "utf8")).map((s) => resolve(dirname(file), s));
    graph.set(
      file,
      [...new Set(deps)].filter((d) => d.endsWith(".ts")),
    );
  }
  return graph;
}

test("the walker finds the imports and a planted cycle", () => {
  const text = [
    '/* import { x } from "./commented.ts"; */',
    'import type { A } from "./a.ts";',
    'export { b } from "../b.ts";',
    'import "./side.ts";',
    'const m = await import("./lazy.ts");',
    'type Ops = typeof import("./typeQuery.ts");',
    'import fs from "node:fs";',
    '// import { y } from "./line-comment.ts";',
  ].join("\n");
  assert.deepEqual(importSpecifiers(text).sort(), ["../b.ts", "./a.ts", "./lazy.ts", "./side.ts"]);
  const g = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a", "d"]],
    ["d", []],
  ]);
  assert.deepEqual(findCycles(g), [["a", "b", "c", "a"]]);
  assert.deepEqual(
    findCycles(
      new Map([
        ["a", ["b"]],
        ["b", []],
      ]),
    ),
    [],
  );
});

/** The area of a source file: its first folder under src/ ("" for top-level files such as index.ts). */
function areaOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  return rel.length > 1 ? rel[0] : "";
}

test("src/ has no import cycles between files", () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `read ${graph.size} source files`);
  for (const [file, deps] of graph) {
    for (const d of deps)
      assert.ok(graph.has(d), `${relative(SRC, file)} imports ${relative(SRC, d)}, which is not a file of src/`);
  }
  const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(" → "));
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join("\n")}`);
});

test("the areas of src/ (core, nn, pde, cli, …) import each other without cycles", () => {
  const areas = new Map<string, Set<string>>();
  for (const [file, deps] of importGraph()) {
    const from = areaOf(file);
    if (from === "") continue; // index.ts gathers every area
    const set = areas.get(from) ?? new Set<string>();
    for (const d of deps) if (areaOf(d) !== from && areaOf(d) !== "") set.add(areaOf(d));
    areas.set(from, set);
  }
  const graph = new Map([...areas].map(([a, s]) => [a, [...s].sort()]));
  const cycles = findCycles(graph).map((c) => c.join(" → "));
  assert.deepEqual(cycles, [], `area cycles:\n${cycles.join("\n")}`);
});
