/**
 * One coordinator per sweep (docs/sweeps.md §exactly-once): a claim held by a live process — here,
 * or elsewhere with a fresh heartbeat — refuses a second one; a dead process's or a stale
 * heartbeat's claim is taken over; releasing frees the sweep.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { expandSweep } from "../../src/sweep/expand.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";
import { scratch } from "../train/helpers.ts";
import { tinyBase } from "./helpers.ts";

test("a sweep's claim: refused while its owner lives, taken over once it is gone or silent", () => {
  const path = join(scratch(), "runs.db");
  const store = SqliteRunStore.open(path);
  const raw = new Database(path);
  try {
    const spec = parseSweepSpec({ name: "c", base: tinyBase() });
    const { id } = store.sweeps().createSweep({ name: "c", spec, executor: "local", jobs: expandSweep(spec) });
    const setOwner = (owner: string | null, ageS = 0) =>
      raw
        .prepare("UPDATE sweeps SET owner = ?, owner_heartbeat = ? WHERE id = ?")
        .run(owner, Date.now() / 1000 - ageS, id);
    const owner = () => raw.prepare("SELECT owner FROM sweeps WHERE id = ?").pluck().get(id);
    const me = `${hostname()}:${process.pid}`;

    setOwner(`${hostname()}:${process.ppid}`); // a live process on this host
    assert.throws(() => store.sweeps().claimSweep(id, 60), /is being run by process .*; one coordinator per sweep/);
    setOwner(`elsewhere:4242`, 10); // another host, heartbeat 10 s ago
    assert.throws(() => store.sweeps().claimSweep(id, 60), /elsewhere:4242/);
    setOwner(`elsewhere:4242`, 61); // silent for longer than the TTL
    store.sweeps().claimSweep(id, 60);
    assert.equal(owner(), me);
    store.sweeps().claimSweep(id, 60); // claiming again is fine for the owner
    store.sweeps().releaseSweep(id);
    assert.equal(owner(), null);

    const dead = 2147483646; // no process has this id
    setOwner(`${hostname()}:${dead}`);
    store.sweeps().claimSweep(id, 60);
    assert.equal(owner(), me);
  } finally {
    raw.close();
    store.close();
  }
});
