/**
 * The Explore page in a real browser: dragging the t slider recomputes u, p and the shocks in the
 * page (no server round trip per frame) and the double well's shock appears after t* = 1 with the
 * exact jump 2√(1 − 1/t)/t (docs/dashboard.md §explore).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { doubleWellJump } from "../../src/pde/exact/doubleWell.ts";
import { launchBrowser, screenshot, skipWithoutBrowser, tempDir, watchErrors } from "./helpers.ts";

let dash: Dashboard;
let browser: BrowserContext;

before(async () => {
  if (skipWithoutBrowser) return;
  const path = join(tempDir(), "explore.db");
  SqliteRunStore.open(path).close();
  dash = await startDashboard({ store: path, port: 0 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await dash?.close();
});

interface ExploreStats {
  frames: number;
  lastFrameMs: number;
  t: number;
  shocks: { x: number; jump: number }[];
  tStar: number;
}

test(
  "Explore: drag t past t* = 1 and the double well's shock forms, computed in the page",
  { skip: skipWithoutBrowser, timeout: 60_000 },
  async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const api: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/")) api.push(r.url());
    });
    await page.goto(`${dash.url}explore`);
    await page.waitForSelector("body[data-frame]");
    const stats = () => page.evaluate(() => (window as unknown as { __explore: ExploreStats }).__explore);
    const s0 = await stats();
    assert.equal(s0.tStar, 1, "forecast t* = 1/sup(−f'') = 1");
    // slider fraction 0.15 of t ∈ (0, 4]: before t*, no shock
    const slider = (await page.locator("#t").boundingBox())!;
    await page.mouse.move(slider.x + slider.width * 0.12, slider.y + slider.height / 2);
    await page.mouse.down();
    for (let k = 1; k <= 20; k++)
      await page.mouse.move(slider.x + slider.width * (0.12 + 0.03 * k), slider.y + slider.height / 2);
    await page.mouse.up();
    const s1 = await stats();
    assert.ok(s1.frames >= s0.frames + 10, `${s1.frames - s0.frames} frames while dragging`);
    assert.ok(s1.t > 2, `t = ${s1.t}`);
    assert.equal(s1.shocks.length, 1, "one shock");
    assert.ok(Math.abs(s1.shocks[0].x) < 0.02, `at x ≈ 0, got ${s1.shocks[0].x}`);
    const rel = Math.abs(s1.shocks[0].jump - doubleWellJump(s1.t)) / doubleWellJump(s1.t);
    assert.ok(rel < 0.1, `jump ${s1.shocks[0].jump} vs exact ${doubleWellJump(s1.t)}`);
    assert.deepEqual(api, [], "no server round trip for a closed-form loss");
    console.log(
      `# Explore: ${s1.frames - s0.frames} frames while dragging, last frame ${s1.lastFrameMs.toFixed(1)} ms`,
    );
    await screenshot(page, "explore");
    // before t*: drag back to t < 1
    await page.locator("#t").fill("0.1");
    await page.locator("#t").dispatchEvent("input");
    const s2 = await stats();
    assert.ok(s2.t < 1);
    assert.equal(s2.shocks.length, 0, "no shock before t* = 1");
    assert.deepEqual(errors, []);
    await page.close();
  },
);
