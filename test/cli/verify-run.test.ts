/**
 * `shocklens verify --run ID` (docs/gradient-field.md §trained networks): the gradient-field check
 * on a stored run's final weights is recorded as the run's `verify` event, which `report` shows;
 * bad input exits 2 with one line and records nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { expectUsageError, runCliInProcess, tempDir } from "./helpers.ts";
import { tinyConfigInput } from "../train/helpers.ts";
import type { RunConfigInput } from "../../src/train/config.ts";

const dir = tempDir();
const store = join(dir, "runs.db");

async function train(model: RunConfigInput["model"], name: string): Promise<string> {
  const config = join(dir, `${name}.json`);
  writeFileSync(
    config,
    JSON.stringify(
      tinyConfigInput({
        name,
        seed: 1,
        model,
        data: { name: "two-moons", n: 128 },
        steps: 40,
        batchSize: 16,
        evalEvery: 20,
      }),
    ),
  );
  const r = await runCliInProcess(["train", "--config", config, "--store", store, "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).run as string;
}

const verifyEvents = (id: string) => {
  const s = SqliteRunStore.open(store);
  try {
    return s.events(id).filter((e) => e.kind === "verify");
  } finally {
    s.close();
  }
};

test("verify --run: the check on a stored MLP, recorded as a verify event and shown by report", async () => {
  const id = await train({ arch: "mlp", sizes: [2, 6, 2], activation: "relu" }, "mlp");
  const r = await runCliInProcess(["verify", "--run", id, "--store", store, "--neurons", "2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.run, id);
  assert.equal(out.step, 40);
  assert.equal(out.eta, 0.1);
  assert.equal(out.batchSize, 16);
  assert.equal(out.neurons.length, 2);
  assert.match(out.gradientField.metric, /gradient flow induces/);
  assert.equal(out.gradientField.order, "O(η)");
  for (const k of ["mean", "stderr", "p"]) assert.equal(typeof out.gradientField.circulation[k], "number");
  const events = verifyEvents(id);
  assert.equal(events.length, 1);
  assert.equal(events[0].step, 40);
  assert.equal(events[0].payload.verdict, out.verdict);
  const html = join(dir, "report.html");
  const rep = await runCliInProcess(["report", id, "--store", store, "--out", html, "--no-analysis"]);
  assert.equal(rep.code, 0, rep.stderr);
  const page = (await import("node:fs")).readFileSync(html, "utf8");
  assert.match(page, /Gradient-field summary/);
  assert.match(page, /Verdict: (SGD&apos;s drift has a curl|no curl detected)/);
  assert.doesNotMatch(page, /No verify result for this run/);
});

test("verify --run: bad input exits 2 with one line and records nothing", async () => {
  await expectUsageError(["verify"], /^shocklens: verify: give exactly one of --arch <family> and --run <id>\n$/);
  await expectUsageError(["verify", "--arch", "mlp", "--run", "x"], /give exactly one of --arch/);
  await expectUsageError(
    ["verify", "--run", "x", "--store", join(dir, "none.db")],
    /--store: no run store at .*none\.db/,
  );
  const tanhDeep = await train({ arch: "mlp", sizes: [2, 4, 4, 2], activation: "tanh" }, "deep");
  await expectUsageError(["verify", "--run", "nope", "--store", store], /no run "nope" in store/);
  await expectUsageError(["verify", "--run", tanhDeep, "--store", store], /needs a one-hidden-layer MLP with biases/);
  assert.equal(verifyEvents(tanhDeep).length, 0);
});
