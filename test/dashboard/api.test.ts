/** The dashboard's JSON API and live stream over HTTP (docs/dashboard.md §api, §series). */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { decimate, emaDebiased } from "../../src/report/series.ts";
import { tempDir } from "../e2e/helpers.ts";

const path = join(tempDir(), "api.db");
let dash: Dashboard;
let writer: SqliteRunStore;
const ids: string[] = [];
const get = async (u: string) => {
  const r = await fetch(dash.url + u);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

before(async () => {
  writer = SqliteRunStore.open(path);
  for (const seed of [0, 1]) {
    const r = writer.createRun({ name: "a", experiment: "x", seed, config: { lr: 0.1, seed } });
    writer.transaction(() => {
      for (let s = 0; s < 5000; s++) writer.logScalars(r.id, s, { loss: Math.cos(s / 300) + (s % 7) * 0.01 + seed });
    });
    ids.push(r.id);
  }
  ids.push(writer.createRun({ name: "b", experiment: "x", seed: 0, config: { lr: 0.2, seed: 0 } }).id);
  dash = await startDashboard({ store: path, port: 0, liveIntervalMs: 50 });
});

after(async () => {
  await dash.close();
  writer.close();
});

test("series: smoothing is the debiased EMA of the full series, then decimated per pixel", async () => {
  const { status, body } = await get(`api/runs/${ids[0]}/series?key=loss&px=100&smooth=0.9`);
  assert.equal(status, 200);
  const x = Float64Array.from({ length: 5000 }, (_, s) => s);
  const y = Float64Array.from(x, (s) => Math.cos(s / 300) + (s % 7) * 0.01);
  const want = decimate({ x, y: emaDebiased(y, 0.9) }, 100, { context: true });
  assert.deepEqual(body.x, Array.from(want.x));
  assert.deepEqual(body.y, Array.from(want.y));
  assert.equal(body.points, 5000);
  assert.equal(body.exact, false);
});

test("groups: runs equal but for the seed form one group; aggregate averages them", async () => {
  const { body } = await get("api/groups?experiment=x");
  const groups = body.groups as { size: number; runs: { id: string }[] }[];
  assert.deepEqual(groups.map((g) => g.size).sort(), [1, 2]);
  assert.deepEqual(
    groups
      .find((g) => g.size === 2)!
      .runs.map((r) => r.id)
      .sort(),
    ids.slice(0, 2).sort(),
  );
  const agg = await get(`api/aggregate?runs=${ids[0]},${ids[1]}&key=loss&px=10000`);
  const mean = agg.body.mean as { x: number[]; y: number[] };
  const hi = agg.body.hi as { y: number[] };
  assert.ok(Math.abs(mean.y[0] - (1 + 0.5)) < 1e-12); // cos 0 + {0, 1}: mean 1.5
  assert.ok(Math.abs(hi.y[0] - (1.5 + Math.SQRT1_2)) < 1e-12); // sample std of {1, 2} = 1/√2
});

test("live: the stream sends an update when the writer logs new points", async () => {
  const ctrl = new AbortController();
  const res = await fetch(`${dash.url}api/runs/${ids[2]}/live`, { signal: ctrl.signal });
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = "";
  const read = async (until: RegExp) => {
    while (!until.test(text)) text += dec.decode((await reader.read()).value);
  };
  await read(/event: update/);
  writer.logScalars(ids[2], 7, { loss: 3 });
  await read(/"step":7/);
  assert.match(text, /"keys":\["loss"\]/);
  ctrl.abort();
});
