import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { InputError } from "../../src/errors.ts";
import { migrate, MIGRATIONS, SCHEMA_VERSION, type Migration } from "../../src/store/schema.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { resolveStorePath } from "../../src/store/paths.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();

function pragmas(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      version: db.pragma("user_version", { simple: true }),
      journal: db.pragma("journal_mode", { simple: true }),
      history: db.prepare("SELECT version FROM schema_version ORDER BY version").pluck().all(),
    };
  } finally {
    db.close();
  }
}

test("open creates the directory and file, in WAL mode, at the latest schema version", () => {
  const path = join(dir, "nested", "deeper", "store.db");
  const s = SqliteRunStore.open(path);
  s.createRun({ name: "r" });
  s.close();
  assert.ok(existsSync(path));
  assert.deepEqual(pragmas(path), {
    version: SCHEMA_VERSION,
    journal: "wal",
    history: MIGRATIONS.map((m) => m.version),
  });
});

test("migrations are idempotent: reopening applies nothing and keeps the data", () => {
  const path = join(dir, "idem.db");
  const s = SqliteRunStore.open(path);
  const run = s.createRun({ name: "keep" });
  s.logScalars(run.id, 0, { a: 1 });
  s.close();
  for (let i = 0; i < 3; i++) {
    const again = SqliteRunStore.open(path);
    assert.equal(again.getRun(run.id).scalarCount, 1);
    again.close();
  }
  assert.deepEqual(
    pragmas(path).history,
    MIGRATIONS.map((m) => m.version),
  );
  const db = new Database(path);
  assert.deepEqual(migrate(db, path), []);
  db.close();
});

test("migrations apply in order, only the pending ones, each atomically", () => {
  const db = new Database(":memory:");
  assert.deepEqual(
    migrate(db, "mem"),
    MIGRATIONS.map((m) => m.version),
  );
  const next: Migration = {
    version: SCHEMA_VERSION + 1,
    description: "notes",
    sql: "ALTER TABLE runs ADD COLUMN notes TEXT",
  };
  const broken: Migration = {
    version: SCHEMA_VERSION + 2,
    description: "broken",
    sql: "CREATE TABLE t2 (x); SELECT * FROM no_such_table",
  };
  assert.throws(() => migrate(db, "mem", [...MIGRATIONS, next, broken]), /no such table/);
  // The good migration stuck, the broken one left nothing behind (no t2, version unchanged).
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION + 1);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't2'").pluck().get(), 0);
  assert.deepEqual(db.prepare("SELECT version FROM schema_version").pluck().all(), [
    ...MIGRATIONS.map((m) => m.version),
    SCHEMA_VERSION + 1,
  ]);
  db.close();
});

test("a store written by a newer shocklens is refused, untouched", () => {
  const path = join(dir, "newer.db");
  SqliteRunStore.open(path).close();
  const db = new Database(path);
  db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  const before = readFileSync(path);
  assert.throws(
    () => SqliteRunStore.open(path),
    (e: unknown) =>
      e instanceof InputError &&
      /schema version \d+, newer than this shocklens supports/.test(e.message) &&
      !e.message.includes("\n"),
  );
  assert.deepEqual(readFileSync(path), before);
});

test("a corrupt or non-SQLite store is an InputError and its bytes are unchanged", () => {
  const cases: [string, Buffer][] = [
    ["text.db", Buffer.from("this is not a database\n".repeat(50))],
    ["short.db", Buffer.from("SQLite")],
    ["zeros.db", Buffer.alloc(8192)],
  ];
  // A real store with its pages after the header scrambled.
  const scrambled = join(dir, "scrambled-src.db");
  const src = SqliteRunStore.open(scrambled);
  for (let i = 0; i < 50; i++) src.createRun({ name: `r${i}`, config: { i } });
  src.close();
  const bytes = readFileSync(scrambled);
  for (let i = 100; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
  cases.push(["scrambled.db", bytes]);
  for (const [name, content] of cases) {
    const path = join(dir, name);
    writeFileSync(path, content);
    assert.throws(
      () => SqliteRunStore.open(path),
      (e: unknown) => e instanceof InputError && e.message.includes(path) && !e.message.includes("\n"),
      name,
    );
    assert.deepEqual(readFileSync(path), content, `${name} was modified`);
    assert.ok(!existsSync(`${path}-wal`), `${name}: a WAL file was created`);
  }
});

test("another program's SQLite database is refused untouched; an empty file becomes a store", () => {
  const foreign = join(dir, "foreign.db");
  const db = new Database(foreign);
  db.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
  db.close();
  const before = readFileSync(foreign);
  assert.throws(() => SqliteRunStore.open(foreign), /not a shocklens run store/);
  assert.deepEqual(readFileSync(foreign), before);

  const empty = join(dir, "empty.db");
  writeFileSync(empty, "");
  const s = SqliteRunStore.open(empty);
  assert.deepEqual(s.listRuns(), []);
  s.close();

  const asDir = join(dir, "a-directory.db");
  mkdirSync(asDir);
  assert.throws(() => SqliteRunStore.open(asDir), /is a directory/);
});

test("resolveStorePath: --store, then $SHOCKLENS_STORE, then ./shocklens.db", () => {
  assert.equal(resolveStorePath(undefined, {}), "./shocklens.db");
  assert.equal(resolveStorePath(undefined, { SHOCKLENS_STORE: "" }), "./shocklens.db");
  assert.equal(resolveStorePath(undefined, { SHOCKLENS_STORE: "/x/env.db" }), "/x/env.db");
  assert.equal(resolveStorePath("cli.db", { SHOCKLENS_STORE: "/x/env.db" }), "cli.db");
  assert.throws(() => resolveStorePath(" ", {}), InputError);
});
