/**
 * The report page: one self-contained HTML file (inline CSS, inline SVG figures, each figure's
 * PNG as a data URI rendered with the bundled font, one small inline script for the SVG
 * download) — no network, opens from disk.
 */
import type { RunDetail, RunEvent } from "../store/types.ts";
import type { Figure } from "./plot.ts";
import { escapeXml as esc } from "./svgplot.ts";
import { notableEvents } from "./figures/training.ts";

export interface ReportSection {
  id: string;
  title: string;
  /** Paragraphs of plain text shown before the figures. */
  notes?: string[];
  /** Raw HTML blocks (tables) — already escaped by their builders. */
  html?: string[];
  figures?: Figure[];
}

export interface ReportPage {
  run: RunDetail;
  summary?: string[];
  sections: ReportSection[];
  /** PNG bytes per figure id. */
  png: Map<string, Buffer>;
  generated: Date;
}

const CSS = [
  `body{font:14px/1.45 "DejaVu Sans",system-ui,sans-serif;margin:0;color:#111;background:#fafafa}`,
  "header{background:#14213d;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}",
  "header .meta{opacity:.85}main{max-width:1000px;margin:0 auto;padding:12px 24px 60px}",
  "nav{margin:14px 0;padding:8px 12px;background:#fff;border:1px solid #ddd}nav a{margin-right:14px}",
  "section{margin-top:28px}h2{border-bottom:2px solid #14213d;padding-bottom:3px}",
  "figure{background:#fff;border:1px solid #ddd;margin:16px 0;padding:10px 12px}figure h3{margin:0 0 6px;font-size:15px}",
  "figure svg{max-width:100%;height:auto}figcaption{color:#444;font-size:13px;margin-top:4px}",
  ".export{float:right}",
  ".export a,.export button{font:12px sans-serif;margin-left:6px;padding:2px 8px;border:1px solid #888;",
  "border-radius:3px;background:#f4f4f4;color:#111;text-decoration:none;cursor:pointer}",
  "table{border-collapse:collapse;background:#fff;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}",
  "th{background:#eef}pre{background:#fff;border:1px solid #ddd;padding:10px;overflow:auto;font-size:12px}",
  `.summary{background:#fff;border-left:4px solid #14213d;padding:8px 14px;white-space:pre-wrap;`,
  `font-family:"DejaVu Sans Mono",monospace;font-size:13px}`,
  ".note{color:#555}",
].join("\n");

// Saves the inline <svg> of a figure as a file (the PNG links carry their own data).
const SCRIPT = `
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button[data-svg]");
  if (!b) return;
  var svg = document.querySelector("#" + b.dataset.svg + " svg");
  var blob = new Blob(['<?xml version="1.0" encoding="UTF-8"?>\\n' + svg.outerHTML], { type: "image/svg+xml" });
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = b.dataset.svg + ".svg";
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
});`;

function date(sec: number | null): string {
  return sec === null ? "—" : new Date(sec * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export function fmtValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** A two-column table of flattened key → value pairs. */
export function keyValueTable(obj: Record<string, unknown>, prefix = ""): string {
  const rows: string[] = [];
  const walk = (o: Record<string, unknown>, p: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>, `${p}${k}.`);
      else rows.push(`<tr><th>${esc(p + k)}</th><td>${esc(fmtValue(v))}</td></tr>`);
    }
  };
  walk(obj, prefix);
  return `<table>${rows.join("")}</table>`;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Detections and forecasts: every notable event with its observable and, for forecasts, the lead
 * time — the payload's `leadSteps`, else the steps from the forecast to the first later detection
 * or transition event of the same observable.
 */
export function transitionsTable(events: readonly RunEvent[]): string {
  const ev = notableEvents(events);
  if (!ev.length) return `<p class="note">No detections, forecasts or alerts were logged for this run.</p>`;
  const isDetection = (e: RunEvent) => /detect|transition|change|shock|divergence/.test(e.kind);
  const rows = ev.map((e) => {
    const obs = typeof e.payload.observable === "string" ? e.payload.observable : "";
    let lead = num(e.payload.leadSteps);
    if (lead === undefined && /forecast/.test(e.kind)) {
      const hit = ev.find(
        (d) =>
          d.step >= e.step &&
          isDetection(d) &&
          (!obs || d.payload.observable === undefined || d.payload.observable === obs),
      );
      if (hit) lead = hit.step - e.step;
    }
    const { observable: _o, leadSteps: _l, ...rest } = e.payload;
    const detail = Object.entries(rest)
      .map(([k, v]) => `${k}=${fmtValue(v)}`)
      .join(", ");
    const cells = [
      String(e.step),
      esc(e.kind),
      esc(obs),
      lead === undefined ? "" : String(lead),
      esc(detail.slice(0, 240)),
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<table><tr><th>step</th><th>kind</th><th>observable</th><th>lead (steps)</th><th>details</th></tr>${rows.join("")}</table>`;
}

function figureHtml(f: Figure, png: Buffer | undefined): string {
  const id = esc(f.id);
  const pngLink = png ? `<a download="${id}.png" href="data:image/png;base64,${png.toString("base64")}">PNG</a>` : "";
  return [
    `<figure id="${id}"><span class="export"><button type="button" data-svg="${id}">SVG</button>${pngLink}</span>`,
    `<h3>${esc(f.title)}</h3>${f.svg}<figcaption>${esc(f.caption)}</figcaption></figure>`,
  ].join("");
}

function sectionHtml(s: ReportSection, png: Map<string, Buffer>): string {
  return [
    `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>`,
    ...(s.notes ?? []).map((n) => `<p class="note">${esc(n)}</p>`),
    ...(s.html ?? []),
    ...(s.figures ?? []).map((f) => figureHtml(f, png.get(f.id))),
    `</section>`,
  ].join("");
}

/** No network, only this page's own inline style and script. */
const CSP = "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

export function renderReportHtml(page: ReportPage): string {
  const r = page.run;
  const sections = page.sections.filter((s) => s.notes?.length || s.html?.length || s.figures?.length);
  const meta = [
    `run ${esc(r.id)}`,
    `experiment ${esc(r.experiment)}`,
    esc(r.status),
    `seed ${r.seed ?? "—"}`,
    `started ${esc(date(r.startTime))}`,
    `ended ${esc(date(r.endTime))}`,
  ].join(" · ");
  const generated = `Generated by shocklens on ${esc(page.generated.toISOString())}.`;
  return [
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<title>${esc(`shocklens report — ${r.name} (${r.id})`)}</title><style>${CSS}</style></head>`,
    `<body><header><h1>${esc(r.name)}</h1><div class="meta">${meta}</div></header>`,
    `<main>${page.summary?.length ? `<div class="summary">${esc(page.summary.join("\n"))}</div>` : ""}`,
    `<nav>${sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join("")}</nav>`,
    ...sections.map((s) => sectionHtml(s, page.png)),
    `<p class="note">${generated} Every figure can be saved as SVG or PNG (PNG drawn with the bundled DejaVu Sans).</p>`,
    `</main><script>${SCRIPT}</script></body></html>`,
    ``,
  ].join("\n");
}
