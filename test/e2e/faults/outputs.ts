/**
 * Item 1 — outputs never clobber inputs: every command that writes a file refuses (exit 2, one
 * line naming both files, nothing written) an output that is an input of the same command — also
 * through a symbolic or a hard link — the run store, its side files or its run folders, a special
 * file, or an existing file without --force.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { key } from "../../../src/core/random.ts";
import { writeSafetensors } from "../../../src/io/safetensors.ts";
import { writeNpy } from "../../../src/io/npy.ts";
import { modelOf, parseModelConfig } from "../../../src/nn/index.ts";
import { saveTree } from "../../../src/nn/files.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack } from "./harness.ts";
import { exportArgs, interruptedRun, scratch, tempFiles, withStore } from "./helpers.ts";

const dir = scratch();
const p = (f: string) => join(dir, f);
const rawModel = { arch: "mlp", sizes: [2, 3, 2], activation: "tanh" };
writeFileSync(p("model.json"), JSON.stringify(rawModel));
saveTree(p("w.safetensors"), modelOf(parseModelConfig(rawModel)).init(key(1)));
writeSafetensors(p("data.safetensors"), {
  x: { dtype: "F64", shape: [2, 2], data: Float64Array.of(0.1, 0.2, -0.3, 0.4) },
  y: { dtype: "I64", shape: [2], data: BigInt64Array.of(0n, 1n) },
});
writeNpy(p("u0.npy"), { dtype: "F64", shape: [16], data: new Float64Array(16).map((_, i) => Math.sin(i)) });
const problem = ["--model", p("model.json"), "--weights", p("w.safetensors"), "--data", p("data.safetensors")];
const quotient = (...more: string[]) => [
  "quotient",
  "--model",
  p("model.json"),
  "--weights",
  p("w.safetensors"),
  ...more,
];

/** A snapshot of files that must survive an attack unchanged. */
const snapshot = (files: string[]) => files.map((f) => [f, readFileSync(f).toString("base64")]);

async function refused(args: string[], pattern: RegExp, keep: string[]): Promise<void> {
  const before = snapshot(keep);
  const r = await runCliInProcess(args);
  assert.equal(r.code, 2, `exit 2 for ${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.deepEqual(snapshot(keep), before, "nothing was overwritten");
  assert.deepEqual(tempFiles(dir), [], "no temp file left");
}

const inputs = [p("model.json"), p("w.safetensors"), p("data.safetensors"), p("u0.npy")];

attack("item 1: eval --out onto its own --weights, through a symlink and a hard link", async () => {
  await refused(
    ["eval", ...problem, "--out", p("w.safetensors")],
    /--out .*w\.safetensors is the same file as --weights/,
    inputs,
  );
  symlinkSync(p("w.safetensors"), p("alias.safetensors"));
  linkSync(p("data.safetensors"), p("hard.safetensors"));
  await refused(["eval", ...problem, "--out", p("alias.safetensors"), "--force"], /same file as --weights/, inputs);
  await refused(["eval", ...problem, "--out", p("hard.safetensors"), "--force"], /same file as --data/, inputs);
});

attack(
  "item 1: quotient --gauge --out onto its --model, --canonical onto --weights, both outputs the same file",
  async () => {
    await refused(
      quotient("--gauge", "3", "--out", p("model.json")),
      /--out .*model\.json is the same file as --model/,
      inputs,
    );
    await refused(
      quotient("--canonical", p("w.safetensors"), "--force"),
      /--canonical .*w\.safetensors is the same file as --weights/,
      inputs,
    );
    await refused(
      quotient("--canonical", p("c.safetensors"), "--gauge", "1", "--out", p("c.safetensors")),
      /--out .*c\.safetensors and --canonical .*c\.safetensors are the same file/,
      inputs,
    );
  },
);

attack("item 1: pde --out onto its --ic file", async () => {
  await refused(
    ["pde", "burgers", "--ic", `file:${p("u0.npy")}`, "--cells", "16", "--t", "0.1", "--out", p("u0.npy")],
    /--out .*u0\.npy is the same file as --ic/,
    inputs,
  );
});

attack(
  "item 1: runs export and report onto the store, its -wal file and into its run folder; the runs survive",
  async () => {
    const { path, id } = await interruptedRun(scratch(), 17);
    const before = withStore(path, (s) => ({ runs: s.listRuns().length, scalars: s.getRun(id).scalarCount }));
    for (const [out, pattern] of [
      [path, /is the run store .*runs\.db; writing it would destroy every run in it/],
      [`${path}-wal`, /is the run store .*runs\.db-wal/],
      [join(`${path}.runs`, id, "export.csv"), /lies inside the run store's folder/],
    ] as const) {
      for (const args of [exportArgs(id, path, "csv", out), ["report", id, "--store", path, "--out", out]]) {
        const r = await runCliInProcess(args);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, pattern);
      }
    }
    assert.deepEqual(
      withStore(path, (s) => ({ runs: s.listRuns().length, scalars: s.getRun(id).scalarCount })),
      before,
    );
  },
);

attack("item 1: train --config and --store the same file", async () => {
  const cfg = p("same.yaml");
  writeFileSync(cfg, "seed: 1\n");
  await refused(
    ["train", "--config", cfg, "--store", cfg, "--quiet"],
    /--store .*same\.yaml is the same file as --config/,
    [cfg],
  );
});

attack("item 1: an existing output needs --force; with it the file is replaced atomically", async () => {
  const out = p("grad.safetensors");
  writeFileSync(out, "keep me");
  await refused(
    ["eval", ...problem, "--out", out],
    /--out .*grad\.safetensors already exists; pass --force to overwrite it/,
    [out],
  );
  const r = await runCliInProcess(["eval", ...problem, "--out", out, "--force"]);
  assert.equal(r.code, 0, r.stderr);
  assert.notEqual(readFileSync(out, "utf8"), "keep me");
  assert.deepEqual(tempFiles(dir), []);
});

attack(
  "item 1: special files as outputs (/dev/full, a FIFO, a directory) are refused and left as they were",
  async () => {
    const fifo = p("out.fifo");
    execFileSync("mkfifo", [fifo]);
    mkdirSync(p("a-dir"));
    for (const [out, kind] of [
      ["/dev/full", /\/dev\/full is a character device; expected a regular file/],
      [fifo, /out\.fifo is a FIFO \(named pipe\)/],
      [p("a-dir"), /a-dir is a directory/],
    ] as const) {
      const r = await runCliInProcess(["eval", ...problem, "--out", out, "--force"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, kind);
    }
    assert.ok(statSync("/dev/full").isCharacterDevice(), "/dev/full is still the device");
    assert.ok(statSync(fifo).isFIFO());
  },
);
