import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { escapeXml, linePlot, niceTicks } from "../../src/report/svgplot.ts";

/**
 * Minimal XML well-formedness check: one root element, properly nested and closed tags, quoted and
 * unique attributes, only the five predefined or numeric entities, no stray '<' or '&'.
 */
function checkWellFormed(xml: string): void {
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  s = s.replace(/<!--[\s\S]*?-->/g, "");
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === "<") {
      tag.lastIndex = i;
      const m = tag.exec(s);
      assert.ok(m, `malformed tag at …${s.slice(i, i + 40)}`);
      const [, close, name, attrs, selfClose] = m;
      const names = [...attrs.matchAll(/([A-Za-z_][\w:.-]*)\s*=/g)].map((a) => a[1]);
      assert.equal(new Set(names).size, names.length, `duplicate attribute in <${name}>`);
      for (const v of attrs.matchAll(/=\s*"([^"]*)"/g)) {
        assert.ok(
          !/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(v[1]),
          `bad entity in attribute of <${name}>`,
        );
      }
      if (close) assert.equal(stack.pop(), name, `mismatched </${name}>`);
      else if (!selfClose) {
        if (stack.length === 0) roots++;
        stack.push(name);
      } else if (stack.length === 0) roots++;
      i = tag.lastIndex;
    } else if (ch === "&") {
      entity.lastIndex = i;
      assert.ok(entity.exec(s), `bad entity at …${s.slice(i, i + 20)}`);
      i = entity.lastIndex;
    } else {
      if (stack.length === 0) assert.match(ch, /\s/, "text outside the root element");
      i++;
    }
  }
  assert.equal(stack.length, 0, `unclosed <${stack.at(-1)}>`);
  assert.equal(roots, 1, "exactly one root element");
}

test("linePlot: well-formed SVG with axes, ticks, labels, legend, several series, NaN gaps and escaping", () => {
  const x = Array.from({ length: 50 }, (_, i) => i / 10);
  const svg = linePlot({
    title: 'p <x> & "q"',
    xLabel: "x",
    yLabel: "p(x, t)",
    series: [
      { label: "sin", x, y: x.map(Math.sin) },
      { label: "cos & gap", x, y: x.map((v, i) => (i === 20 ? NaN : Math.cos(v))), dash: "6 3" },
    ],
    markers: [{ x: 1, label: "t* = 1" }],
    points: [{ x: 2, y: 0.5, label: "p_L" }],
    legend: "top-left",
  });
  checkWellFormed(svg);
  assert.match(svg, /^<\?xml/);
  assert.ok(svg.includes("p &lt;x&gt; &amp; &quot;q&quot;"));
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  const gapPath = svg.match(/<path d="([^"]*)"[^>]*stroke-dasharray/)![1];
  assert.equal((gapPath.match(/M/g) ?? []).length, 2, "NaN splits the line");
  assert.ok(svg.includes(">cos &amp; gap</text>"), "legend entry");
  assert.throws(() => checkWellFormed("<svg><g></svg>"));
});

test("niceTicks uses 1-2-5 steps and covers the range; escapeXml", () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-1.5, 1.5, 6), [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
  assert.deepEqual(niceTicks(0, 100, 4), [0, 50, 100]);
  assert.equal(escapeXml(`<a href='x'>&</a>`), "&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;");
});

test("scripts/pde-figure.ts writes a well-formed double-well shock figure", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pde-fig-"));
  try {
    const out = join(dir, "fig.svg");
    const r = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/pde-figure.ts", out]);
    const svg = readFileSync(out, "utf8");
    checkWellFormed(svg);
    for (const label of ["t = 0.5", "t = 0.9", "t = 1 = t*", "t = 1.5", "forecast: t* = 1.000"])
      assert.ok(svg.includes(label), label);
    assert.match(r.stderr, /t\* forecast 1 /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
