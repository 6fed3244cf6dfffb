/**
 * Figures of what a run logged: its curves (grouped by the key's first path segment), raw vs
 * quotient observables on the same axes (keys `monitor/raw/NAME` and `monitor/quotient/NAME`,
 * paired by NAME), and the event timeline. Events are marked on every curve. Every series is
 * decimated for display with per-pixel min/max (./series.ts): no extreme is lost.
 */
import type { RunEvent } from "../../store/types.ts";
import { decimate, type SeriesData } from "../series.ts";
import { Plot, renderPlot, type Figure } from "../plot.ts";

export const RAW_PREFIX = "monitor/raw/";
export const QUOTIENT_PREFIX = "monitor/quotient/";
/** Event kinds not drawn on curves (bookkeeping, not findings). */
const QUIET_KINDS = new Set(["checkpoint", "info", "resumed"]);
/** Display resolution: buckets per series (≈ the plot's width in pixels). */
const BUCKETS = 700;

interface Row {
  step: number;
  value: number;
  series: string;
}

function rows(name: string, s: SeriesData): Row[] {
  const d = decimate(s, BUCKETS);
  const out: Row[] = [];
  for (let i = 0; i < d.x.length; i++) out.push({ step: d.x[i], value: d.y[i], series: name });
  return out;
}

/** Log scale when every finite value is positive and they span more than two decades. */
function yScale(data: Row[]): "log" | "linear" {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of data) {
    if (!Number.isFinite(r.value)) continue;
    lo = Math.min(lo, r.value);
    hi = Math.max(hi, r.value);
  }
  return lo > 0 && hi / lo > 100 ? "log" : "linear";
}

export function notableEvents(events: readonly RunEvent[]): RunEvent[] {
  return events.filter((e) => !QUIET_KINDS.has(e.kind));
}

function eventMarks(events: readonly RunEvent[]): Plot.Markish[] {
  const ev = notableEvents(events);
  if (!ev.length) return [];
  return [
    Plot.ruleX(ev, { x: "step", stroke: "kind", strokeDasharray: "3 3", strokeOpacity: 0.8 }),
    Plot.text(ev, { x: "step", frameAnchor: "top", text: "kind", dy: 4, dx: 3, textAnchor: "start", fontSize: 9 }),
  ];
}

function lineFigure(id: string, title: string, caption: string, data: Row[], events: readonly RunEvent[]): Figure {
  const svg = renderPlot({
    marginRight: 20,
    x: { label: "step" },
    y: { type: yScale(data), label: null, grid: true, tickFormat: "~g" },
    color: { legend: true },
    marks: [
      Plot.line(data, { x: "step", y: "value", stroke: "series", z: "series", strokeWidth: 1.4 }),
      ...eventMarks(events),
    ],
  });
  return { id, title, caption, svg };
}

/** One figure per key group (`train/…`, `test/…`, …), monitor observables excepted. */
export function curveFigures(series: Map<string, SeriesData>, events: readonly RunEvent[]): Figure[] {
  const groups = new Map<string, string[]>();
  for (const k of [...series.keys()].sort()) {
    if (k.startsWith(RAW_PREFIX) || k.startsWith(QUOTIENT_PREFIX)) continue;
    const g = k.includes("/") ? k.slice(0, k.indexOf("/")) : "other";
    groups.set(g, [...(groups.get(g) ?? []), k]);
  }
  // train and test first, ungrouped keys (lr, …) last
  const rank = (g: string) => (g === "train" ? 0 : g === "test" ? 1 : g === "other" ? 3 : 2);
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([g, keys]) => {
      const data = keys.flatMap((k) => rows(k, series.get(k)!));
      const n = keys.reduce((a, k) => a + series.get(k)!.x.length, 0);
      return lineFigure(
        `curves-${g.replace(/[^a-z0-9]+/gi, "-")}`,
        `Curves: ${g}`,
        `${keys.length} series, ${n} logged points (every point is stored; the plot keeps each pixel's min and max). Dashed lines: events.`,
        data,
        events,
      );
    });
}

/** Raw vs quotient observables: one figure per NAME logged both ways, then the unpaired ones by kind. */
export function observableFigures(series: Map<string, SeriesData>, events: readonly RunEvent[]): Figure[] {
  const raw = new Map<string, string>();
  const quo = new Map<string, string>();
  for (const k of series.keys()) {
    if (k.startsWith(RAW_PREFIX)) raw.set(k.slice(RAW_PREFIX.length), k);
    else if (k.startsWith(QUOTIENT_PREFIX)) quo.set(k.slice(QUOTIENT_PREFIX.length), k);
  }
  const figs: Figure[] = [];
  for (const name of [...raw.keys()].filter((n) => quo.has(n)).sort()) {
    const data = [
      ...rows(`raw ${name}`, series.get(raw.get(name)!)!),
      ...rows(`quotient ${name}`, series.get(quo.get(name)!)!),
    ];
    figs.push(
      lineFigure(
        `observable-${name.replace(/[^a-z0-9]+/gi, "-")}`,
        `Raw vs quotient: ${name}`,
        "The raw observable depends on the parametrisation (a gauge transformation moves it); " +
          "the quotient one is a function of the orbit only.",
        data,
        events,
      ),
    );
  }
  for (const [kind, map, other] of [
    ["raw", raw, quo],
    ["quotient", quo, raw],
  ] as const) {
    const alone = [...map.keys()].filter((n) => !other.has(n)).sort();
    if (!alone.length) continue;
    figs.push(
      lineFigure(
        `observables-${kind}`,
        `${kind === "raw" ? "Raw" : "Quotient"} observables`,
        `${alone.length} ${kind} observable(s) logged by the monitor without a ${kind === "raw" ? "quotient" : "raw"} counterpart.`,
        alone.flatMap((n) => rows(n, series.get(map.get(n)!)!)),
        events,
      ),
    );
  }
  return figs;
}

/** Events by kind over steps. */
export function timelineFigure(events: readonly RunEvent[]): Figure | null {
  if (!events.length) return null;
  const svg = renderPlot({
    height: 60 + 22 * new Set(events.map((e) => e.kind)).size,
    marginLeft: 110,
    x: { label: "step", grid: true },
    y: { label: null },
    marks: [Plot.dot(events, { x: "step", y: "kind", fill: "kind", r: 3.5, tip: false })],
  });
  return {
    id: "timeline",
    title: "Event timeline",
    caption: `${events.length} events: checkpoints, detections, forecasts, divergence and anything else the run logged.`,
    svg,
  };
}
