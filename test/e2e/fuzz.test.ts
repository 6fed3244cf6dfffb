/**
 * Request fuzzing of the dashboard server (docs/dashboard.md §security): path traversal in every
 * encoding, huge and garbled query strings, unknown ids, bad methods, raw garbage on the socket and
 * slow clients. Every request gets a 4xx (never a file outside the app's assets, never a 5xx), and
 * the server still answers afterwards.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { key, uniformArray } from "../../src/core/random.ts";
import { tempDir } from "./helpers.ts";

let dash: Dashboard;
let port = 0;
let runId = "";

before(async () => {
  const path = join(tempDir(), "fuzz.db");
  const store = SqliteRunStore.open(path);
  runId = store.createRun({ name: "fuzz" }).id;
  store.logScalars(runId, 0, { loss: 1 });
  store.close();
  dash = await startDashboard({ store: path, port: 0 });
  port = Number(new URL(dash.url).port);
});

after(() => dash?.close());

/** Sends raw bytes and returns the status code of the reply (0 when the connection closed without one). */
function raw(bytes: string | Buffer, o: { waitMs?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    let data = "";
    sock.on("data", (d) => (data += d.toString("latin1")));
    sock.on("error", () => undefined);
    sock.on("close", () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    });
    sock.write(bytes);
    setTimeout(() => sock.end(), o.waitMs ?? 300);
  });
}

const get = (target: string) => raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { waitMs: 2000 });

const SECRETS = ["root:x:0:0", '"name": "shocklens"', "SQLite format 3", "BEGIN PRIVATE"];

test("path traversal in every encoding never leaves the app's assets", async () => {
  const targets = [
    "/etc/passwd",
    "package.json",
    "../../package.json",
    "..%2f..%2fpackage.json",
    "%2e%2e/%2e%2e/package.json",
    "%252e%252e%252fpackage.json",
    "..%c0%af..%c0%afetc/passwd",
    "..%5c..%5cpackage.json",
    "..\\..\\package.json",
    "%2e%2e%5c%2e%2e%5cpackage.json",
    "/etc/passwd%00.js",
    "....//....//package.json",
    "%u002e%u002e/package.json",
  ];
  const prefixes = ["/", "/assets/", "/assets/..", "/api/runs/", "/runs/", "/api/runs/x/", "//", "/assets//"];
  let n = 0;
  for (const p of prefixes)
    for (const t of targets) {
      const r = await get(p + t.replace(/^\//, ""));
      n++;
      assert.ok(r.status >= 400 && r.status < 500, `${p + t}: status ${r.status}`);
      for (const s of SECRETS) assert.ok(!r.body.includes(s), `${p + t} leaked ${s}`);
    }
  // absolute-form and odd request targets
  for (const t of [
    "http://127.0.0.1/../../package.json",
    "*",
    "file:///etc/passwd",
    "/assets/app.js/../../../package.json",
  ]) {
    const r = await get(t);
    assert.ok(
      (r.status >= 400 && r.status < 500) || (t.startsWith("http://") && r.status === 404),
      `${t}: ${r.status}`,
    );
    for (const s of SECRETS) assert.ok(!r.body.includes(s));
  }
  assert.ok(n > 100);
});

test("huge, garbled and hostile query strings and unknown ids are 4xx, never 5xx", async () => {
  const bytes = uniformArray(key(11), 4000);
  const garbled = Array.from(
    bytes,
    (u) =>
      "%" +
      Math.floor(u * 256)
        .toString(16)
        .padStart(2, "0"),
  ).join("");
  const cases = [
    `/api/runs/${runId}/series?key=${"a".repeat(7000)}`,
    `/api/runs/${runId}/series?key=loss&px=${"9".repeat(400)}`,
    `/api/runs/${runId}/series?key=loss&px=-1`,
    `/api/runs/${runId}/series?key=loss&px=1e9`,
    `/api/runs/${runId}/series?key=loss&lo=NaN&hi=Infinity`,
    `/api/runs/${runId}/series?key=loss&lo=5&hi=1`,
    `/api/runs/${runId}/series?key=loss&smooth=1`,
    `/api/runs/${runId}/series`,
    `/api/runs/${runId}/series?${garbled.slice(0, 6000)}`,
    `/api/runs?status=BOGUS`,
    `/api/runs?limit=0`,
    `/api/aggregate?runs=${"x,".repeat(100)}&key=loss`,
    `/api/aggregate?key=loss`,
    `/api/runs/${"f".repeat(5000)}`,
    `/api/runs/nosuchrun`,
    `/api/runs/%00`,
    `/api/runs/${runId.slice(0, 3)}'%20OR%201=1--`,
    `/api/runs/nosuchrun/live`,
    `/api/runs/${runId}/slice?dims=3`,
    `/api/runs/${runId}/slice`,
    `/runs/nosuchrun/report.html`,
    `/runs/${runId}/nothing`,
    `/${garbled.slice(0, 3000)}`,
  ];
  for (const c of cases) {
    const r = await get(c);
    assert.ok(r.status >= 400 && r.status < 500, `${c.slice(0, 80)}: status ${r.status} ${r.body.slice(0, 120)}`);
  }
  // repeated parameters: the first value counts
  const twice = await get(`/api/runs/${runId}/series?key=loss&key=other&px=10&px=abc`);
  assert.equal(twice.status, 200);
  assert.match(twice.body, /"key":"loss"/);
  const amp = await get(`/?${"&".repeat(5000)}`); // an odd but harmless query on the page: served normally
  assert.equal(amp.status, 200);
  const long = await get(`/api/runs?q=${"x".repeat(100_000)}`);
  assert.ok([400, 414, 431].includes(long.status) || long.status === 0, `100 kB URL: ${long.status}`);
});

test("bad methods, raw garbage and slow clients: 4xx or a closed socket, and the server keeps serving", async () => {
  for (const m of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]) {
    const r = await raw(`${m} /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, {
      waitMs: 1500,
    });
    // node closes a CONNECT without an answer (no tunnel handler): that is a refusal too
    assert.ok((r.status >= 400 && r.status < 500) || (m === "CONNECT" && r.status === 0), `${m}: ${r.status}`);
  }
  const garbage = [
    Buffer.from(uniformArray(key(5), 3000).map((u) => Math.floor(u * 256))),
    "GET / HTTP/9.9\r\n\r\n",
    "\r\n\r\n\r\n",
    "GET /\r\n\r\n",
    `GET / HTTP/1.1\r\n${"X-A: b\r\n".repeat(5000)}\r\n`,
    "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  ];
  for (const [i, g] of garbage.entries()) {
    const r = await raw(g, { waitMs: 1500 });
    assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `garbage ${i}: ${r.status}`);
  }
  // slow clients: 20 connections that send half a request line and stall, one that trickles bytes
  const stalled = Array.from({ length: 20 }, () => {
    const s = connect(port, "127.0.0.1");
    s.on("error", () => undefined);
    s.write("GET /api/ru");
    return s;
  });
  const trickle = connect(port, "127.0.0.1");
  trickle.on("error", () => undefined);
  const req = `GET /api/runs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
  let i = 0;
  const timer = setInterval(() => (i < req.length ? trickle.write(req[i++]) : clearInterval(timer)), 20);
  // meanwhile the server answers others promptly
  const t0 = Date.now();
  const ok = await fetch(`${dash.url}api/runs`);
  assert.equal(ok.status, 200);
  assert.ok(Date.now() - t0 < 5000);
  await new Promise((r) => setTimeout(r, req.length * 20 + 500));
  clearInterval(timer);
  stalled.forEach((s) => s.destroy());
  trickle.destroy();
  // unknown id on a real fetch gives JSON, and the server still works
  const missing = await fetch(`${dash.url}api/runs/ffffffffffff`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { error: string }).error, /no run/);
  const still = await fetch(`${dash.url}api/runs/${runId}/series?key=loss`);
  assert.equal(still.status, 200);
});
