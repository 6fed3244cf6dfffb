/**
 * `shocklens paper` on one family (docs/gradient-field.md §paper): the Markdown report
 * with a verdict and a reproducing command per claim, its SVG figures, the self-contained HTML
 * (figures inline, nothing fetched) and the --json summary; the exit-2 errors are in
 * test/cli/verify.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess, tempDir } from "../cli/helpers.ts";

const VERDICTS = /— (held|failed|holds under a condition|awaits)$/;

test("paper --families meanfield: claim-by-claim Markdown, SVG figures and a self-contained HTML page", async () => {
  const dir = tempDir();
  const out = join(dir, "report");
  const r = await runCliInProcess([
    "paper",
    "--families",
    "meanfield",
    "--calibration-reps",
    "10",
    "--out",
    out,
    "--store",
    join(dir, "runs.db"),
    "--monitor-seeds",
    "1",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.out, out);
  assert.deepEqual(
    summary.claims.map((c: { id: string }) => c.id),
    ["hj", "burgers", "assumption", "burgers-sgd", "shock", "families", "monitors"],
  );
  const md = readFileSync(join(out, "paper.md"), "utf8");
  const headings = md.split("\n").filter((l) => /^## \d+\. /.test(l));
  assert.equal(headings.length, 7);
  for (const h of headings) assert.match(h, VERDICTS);
  assert.equal(md.match(/^Reproduce: `shocklens /gm)?.length, 7);
  assert.match(md, /Non-gradient threshold fixed in advance: 0\.01/);
  // the monitoring claim is measured on the monitored grokking family: a grokking run and its control
  const monitors = summary.claims.find((c: { id: string }) => c.id === "monitors");
  assert.match(monitors.verdict, /^(held|failed)$/);
  assert.match(md, /best quotient observable/);
  assert.match(md, /weight norm \(baseline\)/);
  const runs = await runCliInProcess(["runs", "list", "--store", join(dir, "runs.db"), "--json"]);
  assert.equal(JSON.parse(runs.stdout).runs.length, 2);
  assert.match(md, /## Calibration of the tests/);
  for (const f of ["fig-eta.svg", "fig-shock.svg", "fig-calibration.svg"]) {
    const svg = readFileSync(join(out, f), "utf8");
    assert.match(svg, /^<\?xml[^>]*>\n<svg /);
    assert.ok(md.includes(`](${f})`), `${f} is linked from the Markdown`);
  }
  const html = readFileSync(join(out, "paper.html"), "utf8");
  assert.match(html, /^<!DOCTYPE html>/);
  assert.equal(html.match(/<svg /g)?.length, 3, "every figure inline");
  assert.doesNotMatch(html, /<(img|script|link)\b|src=|href="http/);
  assert.equal(html.match(/<h2>/g)?.length, 8);
});
