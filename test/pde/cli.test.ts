import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { toFloat64 } from "../../src/io/ndarray.ts";
import { parseDomain, runPde, shockText } from "../../src/cli/pde.ts";
import { reportError } from "../../src/cli/main.ts";
import { InputError } from "../../src/errors.ts";
import { exact } from "../../src/pde/index.ts";
import { near } from "./helpers.ts";
import { runCliInProcess as cli } from "../cli/helpers.ts";

const base = { cells: "64", domain: "0,2pi", t: "1", nu: "0", bc: "periodic", cfl: "0.5" };

test("bad options are one-line InputErrors naming the option (exit code 2), checked once by the solver", async () => {
  const bad: [string, Record<string, string>, "burgers" | "hj", RegExp][] = [
    ["cells 0", { ic: "sine", cells: "0" }, "burgers", /^--cells: expected an integer in \[1, 10000000\], got 0$/],
    ["cells 2.5", { ic: "sine", cells: "2.5" }, "burgers", /^--cells: expected an integer, got "2.5"$/],
    ["domain a >= b", { ic: "sine", domain: "1,0" }, "burgers", /^--domain: expected finite a < b, got 1,0$/],
    ["domain malformed", { ic: "sine", domain: "0" }, "burgers", /^--domain: expected a,b \(two numbers\)/],
    ["t < 0", { ic: "sine", t: "-1" }, "burgers", /^--t: expected a number >= 0, got -1$/],
    ["nu < 0", { ic: "sine", nu: "-0.1" }, "hj", /^--nu: expected a number >= 0, got -0.1$/],
    ["unknown scheme", { ic: "sine", scheme: "lax-wendroff" }, "burgers", /^--scheme: expected one of .*lax-wendroff/],
    ["HJ scheme for Burgers", { ic: "sine", scheme: "cole-hopf" }, "burgers", /^--scheme: expected one of/],
    ["unknown ic", { ic: "tent" }, "hj", /^--ic: expected one of sine, /],
    ["malformed riemann", { ic: "riemann:1" }, "burgers", /riemann:UL,UR/],
    ["riemann not numbers", { ic: "riemann:a,b" }, "burgers", /riemann:UL,UR/],
    ["cole-hopf with nu = 0", { ic: "sine", scheme: "cole-hopf" }, "hj", /^--nu: cole-hopf needs nu > 0/],
    ["hopf-lax with nu > 0", { ic: "sine", scheme: "hopf-lax", nu: "0.1" }, "hj", /^--nu: hopf-lax/],
    ["bad bc", { ic: "sine", bc: "wall" }, "burgers", /^--bc: expected one of periodic, outflow, got "wall"$/],
    ["cfl 0", { ic: "sine", cfl: "0" }, "burgers", /^--cfl: expected a number > 0, got 0$/],
    ["cfl 5 (unstable)", { ic: "sine", cfl: "5" }, "burgers", /^--cfl: expected a number in \(0, 1\] .*, got 5$/],
    ["cfl 5 for HJ", { ic: "sine", cfl: "5" }, "hj", /^--cfl: expected a number in \(0, 1\]/],
    [
      "flux with weno5",
      { ic: "sine", scheme: "weno5", flux: "roe" },
      "burgers",
      /^--flux: weno5 takes none .*got "roe"$/,
    ],
    ["file missing", { ic: "file:/nonexistent/u.npy" }, "burgers", /u\.npy/],
    ["file empty path", { ic: "file:" }, "burgers", /^--ic: expected file:U.npy with a path/],
  ];
  for (const [what, opts, eq, re] of bad) {
    const flags = Object.entries({ ...base, ...opts }).flatMap(([k, v]) => [`--${k}`, v]);
    const r = await cli(["pde", eq, ...flags]);
    assert.equal(r.code, 2, `${what}: exit code (${r.stderr})`);
    assert.equal(r.stdout, "", what);
    assert.match(r.stderr, /^shocklens: [^\n]+\n$/, `${what}: one line`);
    assert.match(r.stderr.slice("shocklens: ".length, -1), re, what);
  }
  const write = process.stderr.write;
  let err = "";
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    assert.equal(reportError(new InputError('--cells: expected an integer, got "x"')), 2);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(err, 'shocklens: --cells: expected an integer, got "x"\n');
  assert.deepEqual(parseDomain("-pi,2pi"), [-Math.PI, 2 * Math.PI]);
  assert.deepEqual(parseDomain("0,pi/2"), [0, Math.PI / 2]);
});

test("file:U.npy with the wrong length is rejected", () => {
  const dir = mkdtempSync(join(tmpdir(), "pde-cli-"));
  try {
    const path = join(dir, "u0.npy");
    writeNpy(path, { dtype: "F64", shape: [10], data: new Float64Array(10) });
    assert.throws(
      () => runPde("burgers", { ...base, ic: `file:${path}` } as never),
      /ic .*u0\.npy: expected a 1-D array of 64 values \(one per cell\), got shape \[10\]$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("file:U.npy input runs in-process and prints one JSON object", () => {
  const dir = mkdtempSync(join(tmpdir(), "pde-cli-"));
  const write = process.stdout.write;
  let out = "";
  try {
    const u0 = join(dir, "u0.npy");
    writeNpy(u0, {
      dtype: "F64",
      shape: [64],
      data: Float64Array.from({ length: 64 }, (_, i) => Math.sin(((i + 0.5) * 2 * Math.PI) / 64)),
    });
    // runPde is synchronous, so capturing stdout around it cannot catch the test runner's output
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    runPde("burgers", { ...base, ic: `file:${u0}`, t: "0.5", scheme: "muscl", json: true } as never);
  } finally {
    process.stdout.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(out.split("\n").length, 2, "one line");
  const j = JSON.parse(out);
  assert.equal(j.cells, 64);
  near(j.t, 0.5, 0, "t");
  assert.deepEqual(j.shocks, []);
});

test("end to end (the CLI's main()): --json, --out float64 .npy, bad usage exits 2 with one stderr line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pde-cli-"));
  try {
    const out = join(dir, "u.npy");
    // One at a time: each call captures this process's stdout and stderr.
    const a = await cli([
      "pde",
      "burgers",
      "--ic",
      "sine",
      "--scheme",
      "godunov",
      "--cells",
      "200",
      "--t",
      "1.5",
      "--json",
    ]);
    const b = await cli([
      "pde",
      "hj",
      "--ic",
      "doublewell",
      "--scheme",
      "hopf-lax",
      "--cells",
      "200",
      "--domain",
      "-2,2",
      "--bc",
      "outflow",
      "--t",
      "1.5",
      "--json",
      "--out",
      out,
    ]);
    const d = await cli(["pde", "burgers", "--ic", "sine", "--t", "1", "--cells", "-3"]);
    assert.equal(a.code, 0, a.stderr);
    const ja = JSON.parse(a.stdout);
    assert.equal(a.stdout.trim().split("\n").length, 1, "one JSON object on stdout");
    assert.deepEqual(Object.keys(ja), ["scheme", "cells", "t", "steps", "mass", "values", "shocks"]);
    assert.equal(ja.values, "average");
    assert.equal(ja.cells, 200);
    near(ja.mass, 0, 1e-13, "mass of sin");
    assert.equal(ja.shocks.length, 1);
    near(ja.shocks[0].x, Math.PI, 0.02, "sine shock at π");
    assert.equal(b.code, 0, b.stderr);
    const jb = JSON.parse(b.stdout);
    near(jb.shocks[0].left - jb.shocks[0].right, exact.doubleWellJump(1.5), 0.03, "jump of docs/theory.md §C2");
    const arr = readNpy(out);
    assert.equal(arr.dtype, "F64");
    assert.deepEqual(arr.shape, [200]);
    near(toFloat64(arr)[57], exact.doubleWellHopfLax(-2 + 57.5 * 0.02, 1.5).u, 1e-12, "written centre value");
    assert.equal(d.code, 2);
    assert.equal(d.stdout, "");
    assert.equal(d.stderr.trim().split("\n").length, 1);
    assert.match(d.stderr, /^shocklens: --cells/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("shocks print with significant digits: a tiny jump shows its size, never 0.000000 -> -0.000000", () => {
  assert.equal(
    shockText({ x: Math.PI, left: 1e-9, right: -3.4e-9, speed: -0 }),
    "x=3.14159 (1.000e-9 -> -3.400e-9, speed 0)",
  );
  assert.equal(shockText({ x: 0.5, left: 1.25, right: -0.75, speed: 0.25 }), "x=0.5 (1.25 -> -0.75, speed 0.25)");
});
