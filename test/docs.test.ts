/**
 * The documentation stands on its own. Every relative link in README.md, CHANGELOG.md and docs/*.md
 * points at a file (and, with a #fragment, a heading) that exists; every page and section label a
 * source file, test or document cites — `docs/theory.md §d.1`, `docs/pde.md §conventions`, and
 * inside docs/ the short form `theory §d.1` — exists; no file cites a document the repository does
 * not contain; test titles cite labels with their page; the README stays short.
 *
 * A section label is the first word of a heading (`### d.1 Two-layer …` defines `d.1`, `### \`mlp\``
 * defines `mlp`) or the heading's GitHub anchor (`## Exit codes` defines `exit-codes`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
const README_MAX_LINES = 250;

function walk(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  if (!existsSync(join(ROOT, dir))) return out;
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (name === "node_modules" || name === "fixtures") continue;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...walk(rel, exts));
    else if (exts.test(name)) out.push(rel);
  }
  return out;
}

const read = (rel: string): string => readFileSync(join(ROOT, rel), "utf8");
const DOC_PAGES = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
const MARKDOWN = ["README.md", "CHANGELOG.md", ...DOC_PAGES.map((f) => `docs/${f}`)].filter((f) =>
  existsSync(join(ROOT, f)),
);
const SOURCES = ["src", "test", "bench", "scripts"]
  .flatMap((d) => walk(d, /\.(ts|js|mjs|cjs)$/))
  .filter((f) => f !== SELF);

/** Markdown text with fenced code blocks blanked out (line numbers kept). */
function prose(md: string): string {
  let fenced = false;
  return md
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces → hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const headingCache = new Map<string, { anchors: Set<string>; labels: Set<string> }>();
/** Anchors (with GitHub's -1, -2 suffixes for repeats) and section labels of a markdown file. */
function sections(rel: string): { anchors: Set<string>; labels: Set<string> } {
  const cached = headingCache.get(rel);
  if (cached) return cached;
  const anchors = new Set<string>();
  const labels = new Set<string>();
  for (const line of prose(read(rel)).split("\n")) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    let a = slug(m[1]);
    for (let k = 1; anchors.has(a); k++) a = `${slug(m[1])}-${k}`;
    anchors.add(a);
    labels.add(slug(m[1]));
    labels.add(
      m[1]
        .replace(/`/g, "")
        .split(/\s+/)[0]
        .replace(/^§/, "")
        .replace(/[.:,]$/, ""),
    );
  }
  const s = { anchors, labels };
  headingCache.set(rel, s);
  return s;
}

/** The label list after a `§`: `d.1`, `a.1–a.6`, `a.2/a.5`, `a.2, §a.6, C9` → every label meant. */
const LABEL_LIST = String.raw`§\s*([\w.-]*\w)((?:\s*(?:[–,/]|and)\s*§?\s*[A-Za-z]{1,2}\.?\d+\b)*)`;
function expandLabels(first: string, rest: string): string[] {
  const parts = [first, ...(rest.match(/[A-Za-z]{1,2}\.?\d+\b/g) ?? [])];
  const seps = rest.match(/[–,/]|and/g) ?? [];
  const out = [parts[0]];
  for (let i = 1; i < parts.length; i++) {
    const [a, b] = [/^([A-Za-z]+\.?)(\d+)$/.exec(parts[i - 1]), /^([A-Za-z]+\.?)(\d+)$/.exec(parts[i])];
    if (seps[i - 1] === "–" && a && b && a[1] === b[1])
      for (let k = Number(a[2]) + 1; k < Number(b[2]); k++) out.push(`${a[1]}${k}`);
    out.push(parts[i]);
  }
  return out;
}

interface Citation {
  file: string;
  line: number;
  page: string;
  labels: string[];
  text: string;
}

/** `docs/<page>.md [§labels]` anywhere; in markdown under docs/ also `<page>[.md] §labels`. */
function citations(rel: string): Citation[] {
  const text = read(rel);
  const out: Citation[] = [];
  const lineOf = (i: number) => text.slice(0, i).split("\n").length;
  const full = new RegExp(String.raw`docs/([\w-]+\.md)(?:\s*${LABEL_LIST})?`, "g");
  for (const m of text.matchAll(full))
    out.push({
      file: rel,
      line: lineOf(m.index),
      page: `docs/${m[1]}`,
      labels: m[2] ? expandLabels(m[2], m[3]) : [],
      text: m[0],
    });
  if (rel.endsWith(".md")) {
    const pages = DOC_PAGES.map((f) => f.replace(/\.md$/, "")).join("|");
    const short = new RegExp(String.raw`(?<![\w/])(${pages})(?:\.md)?\s*${LABEL_LIST}`, "g");
    for (const m of prose(text).matchAll(short))
      out.push({
        file: rel,
        line: lineOf(m.index),
        page: `docs/${m[1]}.md`,
        labels: expandLabels(m[2], m[3]),
        text: m[0],
      });
  }
  return out;
}

test("README.md is at most 250 lines", () => {
  const lines = read("README.md").split("\n").length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move detail into docs/`);
});

test("every relative link in README.md, CHANGELOG.md and docs/*.md points at an existing file and heading", () => {
  const broken: string[] = [];
  for (const rel of MARKDOWN) {
    const text = prose(read(rel)).replace(/`[^`\n]*`/g, "");
    for (const m of text.matchAll(/!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, mailto:, …
      const [path, fragment] = target.split("#");
      const file = path === "" ? rel : relative(ROOT, resolve(ROOT, dirname(rel), decodeURIComponent(path)));
      if (!existsSync(join(ROOT, file))) {
        broken.push(`${rel}: ${target} (no file ${file})`);
        continue;
      }
      if (fragment !== undefined && file.endsWith(".md") && !sections(file).anchors.has(fragment))
        broken.push(`${rel}: ${target} (no heading with anchor #${fragment} in ${file})`);
    }
  }
  assert.deepEqual(broken, []);
});

test("every docs page and section label cited in src/, test/, bench/, scripts/ and the docs exists", () => {
  const cited = [...SOURCES, ...MARKDOWN].flatMap(citations);
  assert.ok(cited.length > 50, `found only ${cited.length} citations: is the pattern still right?`);
  const broken: string[] = [];
  for (const c of cited) {
    if (!existsSync(join(ROOT, c.page))) {
      broken.push(`${c.file}:${c.line}: "${c.text}" (no file ${c.page})`);
      continue;
    }
    const { labels } = sections(c.page);
    for (const l of c.labels)
      if (!labels.has(l)) broken.push(`${c.file}:${c.line}: "${c.text}" (${c.page} has no section ${l})`);
  }
  assert.deepEqual(broken, []);
});

/** Documents that never were part of the repository, and ways of citing them. */
const FOREIGN = [
  /ground[- ]truth(?:\.md|\s*§|\s+[a-eW]\.?\d|\s+v\d\d|\s+[a-e]\b|\s+\d)/i,
  /contracts(?:\.md|\s*§)/,
  /workloads\.md/,
  /docs\/quotient\.md/,
  /CORE-API/,
  /\bv0\d \[/,
  /\.\.\/shared\b/,
];
/** Lines allowed to match FOREIGN (code, not citations); none at present. */
const FOREIGN_ALLOWED: { file: string; text: string }[] = [];

test("no file cites a document the repository does not contain", () => {
  const found: string[] = [];
  for (const rel of [...SOURCES, ...MARKDOWN]) {
    read(rel)
      .split("\n")
      .forEach((line, i) => {
        if (FOREIGN_ALLOWED.some((a) => a.file === rel && line.includes(a.text))) return;
        for (const re of FOREIGN) if (re.test(line)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(found, []);
});

test("test titles cite theory labels with their page (docs/theory.md §d.1, not a bare d.1)", () => {
  const bare: string[] = [];
  for (const rel of SOURCES.filter((f) => f.startsWith("test/"))) {
    for (const m of read(rel).matchAll(/\btest\(\s*(["'`])((?:(?!\1)[^\\]|\\.)*)\1/g)) {
      const title = m[2].replace(new RegExp(String.raw`docs/[\w-]+\.md(?:\s*${LABEL_LIST})?`, "g"), "");
      const label = /(?<![\w.§])(?:[a-e]\.\d+|C[1-9]|W[1-6])(?![\w.])/.exec(title);
      if (label) bare.push(`${rel}: "${m[2]}" (bare label ${label[0]})`);
    }
  }
  assert.deepEqual(bare, []);
});

test("the citation parser: ranges, lists and short in-docs forms", () => {
  assert.deepEqual(expandLabels("a.1", "–a.4"), ["a.1", "a.2", "a.3", "a.4"]);
  assert.deepEqual(expandLabels("C5", "–C7"), ["C5", "C6", "C7"]);
  assert.deepEqual(expandLabels("a.2", ", §a.6, C9"), ["a.2", "a.6", "C9"]);
  assert.deepEqual(expandLabels("conventions", ""), ["conventions"]);
  assert.equal(
    slug("### d.9 Raw versus quotient curvature (spurious shocks)".replace(/^#+ /, "")),
    "d9-raw-versus-quotient-curvature-spurious-shocks",
  );
  assert.equal(slug("`mlp` — multilayer perceptron"), "mlp--multilayer-perceptron");
  const m = new RegExp(String.raw`docs/([\w-]+\.md)(?:\s*${LABEL_LIST})?`).exec(
    "see docs/theory.md §a.2/a.5 and e.1 step 3",
  );
  assert.ok(m);
  assert.deepEqual(expandLabels(m[2], m[3]), ["a.2", "a.5", "e.1"]);
});
