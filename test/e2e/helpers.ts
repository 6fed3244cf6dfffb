/**
 * Shared set-up of the end-to-end tests: Debian's chromium driven by playwright-core (never a
 * downloaded browser), a dashboard on a free port over a temporary store, and the folder the
 * screenshots go to (test/e2e/artifacts, git-ignored).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { ChartStats } from "../../src/dashboard/client/chart.ts";

export const CHROMIUM = process.env.SHOCKLENS_CHROMIUM ?? "/usr/bin/chromium";
/** `false` when the browser is there, else the reason to skip (node:test prints it). */
export const skipWithoutBrowser: false | string = existsSync(CHROMIUM)
  ? false
  : `no browser at ${CHROMIUM} (install Debian's chromium: apt-get install chromium)`;

export const ROOT = new URL("../../", import.meta.url).pathname;

// The dashboard serves the pages `npm run build` bundles; build them when a checkout has not yet.
if (!existsSync(join(ROOT, "dist/dashboard/assets/explore.js")))
  execFileSync(process.execPath, [join(ROOT, "scripts/build-assets.mjs")], { stdio: "inherit" });
export const ARTIFACTS = join(ROOT, "test/e2e/artifacts");

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function tempDir(prefix = "shocklens-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh browser profile each time (--user-data-dir in a new temporary folder). */
export async function launchBrowser(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir("shocklens-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
  });
}

/** Collects console errors and uncaught page errors; a test asserts the list stays empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

export function chartStats(page: Page): Promise<ChartStats[]> {
  return page.evaluate(() => (window as unknown as { __shocklens: { charts: ChartStats[] } }).__shocklens.charts);
}

export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
