/**
 * Kills at the worst moments: SIGKILL while a checkpoint, the final weights or an export is
 * complete in its temp file but not yet renamed into place; SIGTERM in the middle of an export
 * write; and (SHOCKLENS_FAULTS_HEAVY=1) SIGKILL at 46 seeded random moments of one run. Each
 * time the store opens, nothing registered is lost, the next command removes the dead writer's
 * temp file, and the resumed run ends bit-identical to an uninterrupted one.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { key, uniformArray } from "../../../src/core/random.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack, HEAVY } from "./harness.ts";
import {
  assertSameAsReference,
  config,
  exportArgs,
  interruptedRun,
  resumeArgs,
  RUN,
  scratch,
  startCli,
  tempFiles,
  withStore,
} from "./helpers.ts";

/** Starts `train --config` on RUN (or `over`) in a fresh store; renames onto `slowRename` stall. */
function startTraining(slowRename: string, over: object = {}) {
  const dir = scratch();
  const cfg = join(dir, "run.json");
  writeFileSync(cfg, JSON.stringify({ ...RUN, ...over }));
  const path = join(dir, "runs.db");
  return { path, child: startCli(["train", "--config", cfg, "--store", path, "--quiet"], { slowRename }) };
}

/** A killed run's store and an export of it in a child whose rename onto the output stalls. */
async function stalledExport(format: string, name: string, stallMs?: number) {
  const { path, id } = await interruptedRun(scratch(), 30);
  const outDir = scratch();
  const out = join(outDir, name);
  const child = startCli(exportArgs(id, path, format, out), {
    slowRename: `${name.replace(".", "\\.")}$`,
    stallMs,
  });
  await child.waitFor(new RegExp(`RENAMING .*${name.replace(".", "\\.")}`));
  const scalars = withStore(path, (s) => s.getRun(id).scalarCount);
  return { path, id, outDir, out, child, scalars };
}

const resume = (id: string, path: string) => runCliInProcess(resumeArgs(id, path, "--json"));

attack(
  "SIGKILL inside a checkpoint write: resumes from the previous checkpoint, the temp file is swept, bit-identical",
  async () => {
    const { path, child } = startTraining("checkpoint-00000030\\.safetensors$");
    await child.waitFor(/RENAMING .*checkpoint-00000030\.safetensors/);
    child.child.kill("SIGKILL");
    await child.done;
    const id = withStore(path, (s) => {
      const [run] = s.listRuns();
      assert.equal(run.status, "RUNNING");
      const registered = s.artifacts(run.id).map((a) => basename(a.path));
      assert.deepEqual(registered, ["checkpoint-00000010.safetensors", "checkpoint-00000020.safetensors"]);
      return run.id;
    });
    const dir = join(`${path}.runs`, id);
    assert.equal(tempFiles(dir).length, 1, "the killed writer's temp file");
    assert.ok(!existsSync(join(dir, "checkpoint-00000030.safetensors")));
    const r = await resume(id, path);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resumedFrom, 20);
    assert.deepEqual(tempFiles(dir), []);
    await assertSameAsReference(path, id);
  },
);

attack(
  "SIGKILL inside the final weights write: the resume writes them and finishes the run, bit-identical",
  async () => {
    const { path, child } = startTraining("weights\\.safetensors$");
    await child.waitFor(/RENAMING .*weights\.safetensors/);
    child.child.kill("SIGKILL");
    await child.done;
    const id = withStore(path, (s) => s.listRuns()[0].id);
    const r = await resume(id, path);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resumedFrom, 60);
    assert.deepEqual(tempFiles(join(`${path}.runs`, id)), []);
    await assertSameAsReference(path, id);
  },
);

attack(
  "SIGKILL inside an export write: no half-written file; the next export sweeps the temp file and completes",
  async () => {
    const { path, id, outDir, out, child, scalars } = await stalledExport("csv", "run.csv");
    child.child.kill("SIGKILL");
    await child.done;
    assert.ok(!existsSync(out), "no file under the requested name");
    assert.equal(tempFiles(outDir).length, 1);
    const r = await runCliInProcess(exportArgs(id, path, "csv", out));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, "utf8").trimEnd().split("\n").length, scalars + 1);
    assert.deepEqual(tempFiles(outDir), []);
  },
);

attack(
  "SIGTERM inside an export write: the process ends by the signal, the file is complete, no temp file",
  async () => {
    const { outDir, out, child, scalars } = await stalledExport("jsonl", "run.jsonl", 1000);
    child.child.kill("SIGTERM");
    const r = await child.done;
    assert.equal(r.signal, "SIGTERM", `${r.code}: ${r.stderr}`);
    assert.deepEqual(tempFiles(outDir), []);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    assert.equal(lines.filter((l) => l.includes('"type":"scalar"')).length, scalars, "complete");
  },
);

if (HEAVY)
  attack(
    "SIGKILL at 46 seeded random moments of one run: every resume continues, the end is bit-identical",
    async () => {
      const cfg = config({ steps: 2500, checkpointEvery: 40, keepCheckpoints: 2 });
      const dir = scratch();
      const cfgPath = join(dir, "run.json");
      writeFileSync(cfgPath, JSON.stringify({ ...RUN, steps: 2500, checkpointEvery: 40, keepCheckpoints: 2 }));
      const path = join(dir, "runs.db");
      const kills = Array.from(uniformArray(key(46), 46)).map((u) => 100 + u * 1500);
      let id = "";
      let landed = 0;
      for (const ms of kills) {
        const args = id ? resumeArgs(id, path) : ["train", "--config", cfgPath, "--store", path, "--quiet"];
        const child = startCli(args);
        // Kill ~0.1–1.6 s into training (process start-up takes about as long again).
        while (!id && !existsSync(path)) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, (id ? 1500 : 0) + ms));
        child.child.kill("SIGKILL");
        const r = await child.done;
        id ||= withStore(path, (s) => s.listRuns()[0]?.id ?? "");
        if (r.code === 0) break; // it finished before this kill
        if (r.signal === "SIGKILL") landed++;
        if (id) withStore(path, (s) => assert.notEqual(s.getRun(id).status, "FAILED"));
      }
      const status = withStore(path, (s) => s.getRun(id).status);
      if (status !== "FINISHED") {
        const r = await runCliInProcess(resumeArgs(id, path));
        assert.equal(r.code, 0, r.stderr);
      }
      await assertSameAsReference(path, id, cfg);
      console.log(`${landed} of ${kills.length} SIGKILLs landed while the run trained`);
      assert.ok(landed >= 40, `only ${landed} kills landed`);
    },
    { timeout: 900_000 },
  );
