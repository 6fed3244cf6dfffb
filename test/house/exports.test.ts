/**
 * The package entry points: every subpath export of package.json names a built file whose source
 * exists in src/, and the entry point exports every documented namespace, the registries among
 * them (that importing loads no backend is checked in a fresh process by test/kernels/gemm.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

test("every subpath export maps dist/<path>.js to an existing src/<path>.ts", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, { types: string; default: string }>;
  };
  assert.ok(Object.keys(pkg.exports).length > 5);
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const m = /^\.\/dist\/(.+)\.js$/.exec(target.default);
    assert.ok(m, `${sub}: ${target.default}`);
    assert.equal(target.types, `./dist/${m[1]}.d.ts`, sub);
    assert.ok(existsSync(join(ROOT, "src", `${m[1]}.ts`)), `${sub}: src/${m[1]}.ts`);
  }
});

test("the entry point exports the documented namespaces and the registries", async () => {
  const api = await import("../../src/index.ts");
  for (const ns of ["ops", "random", "tree", "models", "symmetry", "curvature", "diagnostics", "linalg"] as const)
    assert.equal(typeof api[ns], "object", ns);
  for (const ns of [
    "coarse",
    "pde",
    "io",
    "store",
    "sweep",
    "data",
    "optim",
    "train",
    "backends",
    "validate",
    "monitor",
  ] as const)
    assert.equal(typeof api[ns], "object", ns);
  assert.equal(typeof api.monitor.scoreRuns, "function");
  assert.equal(typeof api.verifyStoredRun, "function");
  assert.equal(typeof api.runPaper, "function");
  assert.equal(typeof api.optim.sgd, "function");
  assert.equal(typeof api.train.trainLoop, "function");
  assert.equal(typeof api.data.loadTask, "function");
  assert.equal(typeof api.sweep.parseSweepSpec, "function");
  assert.deepEqual(
    api.families().map((f) => f.arch),
    ["mlp", "cnn", "transformer", "meanfield"],
  );
  assert.equal(typeof api.symmetry.groupOf, "function");
  assert.equal(typeof api.models.mlp.init, "function");
  assert.deepEqual(
    api.backends.backendAxes().map((a) => a.axis),
    ["gemm", "stencils"],
  );
});
