/**
 * The dashboard in a real browser (docs/dashboard.md): a curve grows while a run trains in another
 * process, two runs are compared, seeds are averaged, the report opens from disk.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { buildReport, ReadOnlyStore, writeReport } from "../../src/report/index.ts";
import {
  ARTIFACTS,
  chartStats,
  launchBrowser,
  ROOT,
  screenshot,
  skipWithoutBrowser,
  tempDir,
  until,
  watchErrors,
} from "./helpers.ts";

const dir = tempDir();
const storePath = join(dir, "store.db");
let dash: Dashboard;
let browser: BrowserContext;
let trainer: ChildProcess;
let trainerExit: Promise<number | null>;
const seeds: string[] = [];

const TRAIN_CONFIG = {
  name: "live-moons",
  experiment: "e2e",
  seed: 0,
  model: { arch: "mlp", sizes: [2, 32, 32, 2], activation: "tanh" },
  data: { name: "two-moons", n: 400, noise: 0.1 },
  optimizer: { name: "sgd", lr: 0.1, momentum: 0.9 },
  steps: 6000,
  batchSize: 32,
  evalEvery: 500,
  logEvery: 5,
  checkpointEvery: 2000,
};

before(async () => {
  if (skipWithoutBrowser) return;
  // three seeds of one config (for compare and mean ± std), written before the dashboard starts
  const store = SqliteRunStore.open(storePath);
  for (const seed of [1, 2, 3]) {
    const r = store.createRun({ name: "sine", experiment: "seeds", seed, config: { name: "sine", lr: 0.1, seed } });
    store.transaction(() => {
      for (let step = 0; step <= 2000; step += 2)
        store.logScalars(r.id, step, {
          "train/loss": Math.exp(-step / 500) * (1 + 0.1 * seed) + 0.05 * Math.sin(step / 40 + seed),
        });
    });
    store.logEvent(r.id, { step: 1000, kind: "phase_transition", payload: { observable: "train/loss" } });
    store.setStatus(r.id, "FINISHED");
    seeds.push(r.id);
  }
  store.close();
  dash = await startDashboard({ store: storePath, port: 0, liveIntervalMs: 200 });
  browser = await launchBrowser();
  writeFileSync(join(dir, "run.json"), JSON.stringify(TRAIN_CONFIG));
  trainer = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/bin.ts"),
      "train",
      "--config",
      join(dir, "run.json"),
      "--store",
      storePath,
      "--quiet",
    ],
    {
      cwd: ROOT, // where the TypeScript loader resolves
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  trainerExit = new Promise((resolve) => trainer.on("exit", resolve));
});

after(async () => {
  trainer?.kill();
  await browser?.close();
  await dash?.close();
});

test(
  "a curve grows live (server-sent events) while a run trains in another process",
  { skip: skipWithoutBrowser, timeout: 120_000 },
  async () => {
    const live = await until("the training run to appear", async () => {
      const r = (await (await fetch(`${dash.url}api/runs?experiment=e2e`)).json()) as {
        runs: { id: string; status: string }[];
      };
      return r.runs.find((x) => x.status === "RUNNING");
    });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${dash.url}#/run/${live.id}`);
    await page.waitForSelector("body[data-ready='1']");
    const lossChart = async () => (await chartStats(page)).find((c) => c.title === "train/loss");
    const first = await until("the loss curve", async () => {
      const c = await lossChart();
      return c && c.points > 0 ? c : undefined;
    });
    await screenshot(page, "dashboard-live-start");
    const grown = await until(
      "the loss curve to grow without a reload",
      async () => {
        const c = await lossChart();
        return c && c.xMax > first.xMax + 200 ? c : undefined;
      },
      60_000,
    );
    assert.ok(grown.loads > first.loads, "the chart re-fetched on a live update");
    assert.equal(await trainerExit, 0, "training finished");
    await until("the page to show FINISHED", async () => (await page.textContent("#status")) === "FINISHED");
    await until(
      "the last point",
      async () => ((await lossChart())?.xMax ?? 0) >= TRAIN_CONFIG.steps - TRAIN_CONFIG.logEvery,
    );
    await screenshot(page, "dashboard-run", true);
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test(
  "runs list: search and experiment filter; compare two runs; mean ± std over three seeds",
  { skip: skipWithoutBrowser, timeout: 60_000 },
  async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(dash.url);
    await page.waitForSelector("#runs tr td");
    assert.equal(await page.locator("#runs tr").count(), 1 + 4);
    await page.selectOption("#experiment", "seeds");
    await until("the filter", async () => (await page.locator("#runs tr").count()) === 1 + 3);
    await page.fill("#search", seeds[1].slice(0, 8));
    await until("the search", async () => (await page.locator("#runs tr").count()) === 1 + 1);
    await page.fill("#search", "");
    await until("the list back", async () => (await page.locator("#runs tr").count()) === 1 + 3);
    await screenshot(page, "dashboard-runs");
    await page.check(`#runs input[value="${seeds[0]}"]`);
    await page.check(`#runs input[value="${seeds[1]}"]`);
    await page.click("#compare");
    await page.waitForSelector("body[data-ready='1'] .chart canvas");
    const series = await page.evaluate(() => document.querySelectorAll(".chart .u-legend .u-series").length);
    assert.equal(series, 3, "step + two runs in the legend");
    await screenshot(page, "dashboard-compare");
    await page.goto(`${dash.url}#/group/${seeds.join(",")}`);
    await page.waitForSelector("body[data-ready='1'] .chart canvas");
    const legend = await page.locator(".chart .u-legend").first().textContent();
    assert.match(legend ?? "", /mean/);
    assert.match(legend ?? "", /\+std/);
    // the server's mean ± std is the oracle: at step 0 the values are (1 + 0.1·seed)·1 + 0.05 sin(seed)
    const agg = (await (
      await fetch(`${dash.url}api/aggregate?runs=${seeds.join(",")}&key=train/loss&px=5000`)
    ).json()) as {
      mean: { x: number[]; y: number[] };
    };
    const v0 = [1, 2, 3].map((s) => 1 + 0.1 * s + 0.05 * Math.sin(s));
    assert.ok(Math.abs(agg.mean.y[0] - v0.reduce((a, b) => a + b) / 3) < 1e-12);
    await screenshot(page, "dashboard-seeds");
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test(
  "the report opens from disk (file://), offline, with figures exportable as SVG and PNG",
  { skip: skipWithoutBrowser, timeout: 180_000 },
  async () => {
    await trainerExit;
    const reader = ReadOnlyStore.open(storePath);
    const run = reader.listRuns({ experiment: "e2e" })[0];
    const built = buildReport(reader, run.id);
    reader.close();
    const path = writeReport(join(ARTIFACTS, "report.html"), built.html, storePath, { force: true });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${path}`);
    await screenshot(page, "report");
    const figures = await page.locator("figure").count();
    assert.ok(figures >= 6, `${figures} figures`);
    assert.ok((await page.locator("#slice-xt svg text").count()) > 5, "the x–t diagram has its labels");
    const [svgDownload] = await Promise.all([page.waitForEvent("download"), page.click("#slice-xt button[data-svg]")]);
    assert.equal(svgDownload.suggestedFilename(), "slice-xt.svg");
    const [pngDownload] = await Promise.all([page.waitForEvent("download"), page.click("#slice-xt a[download]")]);
    assert.equal(pngDownload.suggestedFilename(), "slice-xt.png");
    assert.deepEqual(
      requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:")),
      [],
    );
    await page.locator("#slice-xt").screenshot({ path: join(ARTIFACTS, "report-xt.png") });
    assert.deepEqual(errors, []);
    await page.close();
  },
);
