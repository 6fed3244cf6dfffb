/**
 * Item 2 — a run has one owner: concurrent resumes, a resume of a live run, a dead owner's lease,
 * another host's lease, and an owner that lost its lease while stalled.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteRunStore } from "../../../src/store/sqlite.ts";
import { trainRun } from "../../../src/train/run.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack } from "./harness.ts";
import {
  assertSameAsReference,
  config,
  interruptedRun,
  resumeArgs,
  RUN,
  scratch,
  startCli,
  withStore,
} from "./helpers.ts";

/** Long enough (about a second) for concurrent processes to overlap. */
const LONG = config({ steps: 1500, checkpointEvery: 100 });
const LONG_RAW = JSON.stringify({ ...RUN, steps: 1500, checkpointEvery: 100 });

/** A child training LONG into a fresh store, once it has started the run. */
async function liveOwner() {
  const dir = scratch();
  const cfgPath = join(dir, "run.json");
  writeFileSync(cfgPath, LONG_RAW);
  const path = join(dir, "runs.db");
  const owner = startCli(["train", "--config", cfgPath, "--store", path]);
  await owner.waitFor(/run [0-9a-f]{12} \(.*\) started/);
  return { path, owner };
}

attack(
  "item 2: three concurrent resumes of one killed run — one trains, the others are refused, nothing twice",
  async () => {
    const { path, id } = await interruptedRun(scratch(), 250, LONG);
    const children = [0, 1, 2].map(() => startCli(resumeArgs(id, path, "--json")));
    const results = await Promise.all(children.map((c) => c.done));
    const winners = results.filter((r) => r.code === 0);
    assert.equal(winners.length, 1, results.map((r) => `${r.code}: ${r.stderr}`).join("\n"));
    for (const r of results.filter((r) => r.code !== 0)) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is owned by process \d+ on .*one owner at a time|is FINISHED; only a KILLED/);
    }
    await assertSameAsReference(path, id, LONG);
    withStore(path, (s) => {
      assert.equal(s.events(id, { kind: "resumed" }).length, 1);
      assert.deepEqual(s.events(id, { kind: "fault" }), []);
      assert.equal(s.owner(id), null, "the lease is released at the end");
    });
  },
);

attack(
  "item 2: resuming a run that is still training is refused with its owner's pid; after SIGTERM it resumes",
  async () => {
    const { path, owner } = await liveOwner();
    const listed = await runCliInProcess(["runs", "list", "--store", path, "--json"]);
    const id = (JSON.parse(listed.stdout) as { runs: { id: string; status: string }[] }).runs[0].id;
    const r = await runCliInProcess(resumeArgs(id, path, "--json"));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`run ${id} is owned by process ${owner.child.pid} on `));
    owner.child.kill("SIGTERM");
    const stopped = await owner.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    withStore(path, (s) => assert.equal(s.getRun(id).status, "KILLED"));
    const again = await runCliInProcess(resumeArgs(id, path, "--json"));
    assert.equal(again.code, 0, again.stderr);
    await assertSameAsReference(path, id, LONG);
  },
);

attack("item 2: the lease of an owner killed with SIGKILL is taken over, with an event naming it", async () => {
  const { path, owner } = await liveOwner();
  owner.child.kill("SIGKILL");
  await owner.done;
  const id = withStore(path, (s) => s.listRuns()[0].id);
  const r = await runCliInProcess(resumeArgs(id, path, "--json"));
  assert.equal(r.code, 0, r.stderr);
  withStore(path, (s) => {
    const [takeover] = s.events(id, { kind: "lease_takeover" });
    assert.ok(takeover, "a lease_takeover event");
    assert.equal(takeover.payload.reason, `process ${owner.child.pid} no longer exists`);
    assert.equal((takeover.payload.previous as { pid: number }).pid, owner.child.pid);
  });
  await assertSameAsReference(path, id, LONG);
});

attack(
  "item 2: another host's lease is refused while its heartbeat is fresh and taken over once it expired",
  async () => {
    const { path, id } = await interruptedRun(scratch(), 23);
    const setLease = (expiresIn: number) => {
      const db = new Database(path);
      const now = Date.now() / 1000;
      db.prepare(
        "INSERT OR REPLACE INTO leases (run_id, token, pid, host, acquired, heartbeat, expires) " +
          "VALUES (?, 'x', 4242, 'elsewhere.example', ?, ?, ?)",
      ).run(id, now - 400, now - 400 + 300 + expiresIn, now + expiresIn);
      db.close();
    };
    setLease(100);
    const refused = await runCliInProcess(resumeArgs(id, path, "--json"));
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /is owned by process 4242 on elsewhere\.example \(last heartbeat \d+ s ago\)/);
    withStore(path, (s) => assert.equal(s.getRun(id).status, "KILLED", "a refused resume changes nothing"));
    setLease(-1);
    const r = await runCliInProcess(resumeArgs(id, path, "--json"));
    assert.equal(r.code, 0, r.stderr);
    withStore(path, (s) =>
      assert.match(String(s.events(id, { kind: "lease_takeover" })[0].payload.reason), /heartbeat stopped/),
    );
    await assertSameAsReference(path, id);
  },
);

attack("item 2: an owner whose lease was taken over stops at its next write and writes nothing more", async () => {
  const path = join(scratch(), "runs.db");
  const s = SqliteRunStore.open(path);
  try {
    let runId = "";
    await assert.rejects(
      trainRun({
        store: s,
        config: config(),
        onRun: (h) => (runId = h.id),
        callbacks: [
          {
            onStep: (i) => {
              if (i.step !== 20) return;
              const other = new Database(path);
              other.prepare("UPDATE leases SET token = 'thief', pid = 1, host = 'elsewhere.example'").run();
              other.close();
            },
          },
        ],
      }),
      /run [0-9a-f]{12}: this process no longer owns it \(process 1 on elsewhere\.example .*took it over\)/,
    );
    assert.equal(s.getRun(runId).status, "RUNNING", "the status is the new owner's to change");
    assert.equal(s.getRun(runId).lastScalars["train/loss"].step, 19, "nothing logged after the lease was lost");
    assert.deepEqual(s.events(runId, { kind: "fault" }), []);
  } finally {
    s.close();
  }
});
