/**
 * Human-readable renderings of store results for `shocklens runs` (the --json output is the result
 * objects themselves). Colour is optional and applied after padding, so escape codes never
 * disturb column alignment.
 */
import type { Artifact, RunDetail, RunEvent, RunStatus, RunSummary } from "./types.ts";

export interface FormatOptions {
  color?: boolean;
}

const STATUS_COLOR: Record<RunStatus, number> = { SCHEDULED: 36, RUNNING: 33, FINISHED: 32, FAILED: 31, KILLED: 90 };
const STALE_COLOR = 35;

/** How many events `runs show` lists (the newest ones); the counts per kind cover the rest. */
export const EVENTS_SHOWN = 20;

function paint(text: string, code: number, on: boolean | undefined): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** Left-aligned columns separated by two spaces; `paintCell` may colour a padded cell. */
export function formatTable(
  headers: string[],
  rows: string[][],
  paintCell?: (row: number, col: number, padded: string) => string,
): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[], row: number) =>
    cells
      .map((cell, c) => {
        const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c]);
        return row >= 0 && paintCell ? paintCell(row, c, padded) : padded;
      })
      .join("  ")
      .trimEnd();
  return [line(headers, -1), ...rows.map((r, i) => line(r, i))].join("\n");
}

/** UTC, to the second: "2024-05-01 12:34:56". */
export function formatTime(t: number | null): string {
  return t === null ? "-" : new Date(t * 1000).toISOString().slice(0, 19).replace("T", " ");
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

function utc(t: number | null): string {
  return t === null ? "-" : `${formatTime(t)} UTC`;
}

function runDuration(r: RunSummary, now: number): string {
  if (r.startTime === null) return "-";
  return formatDuration((r.endTime ?? now) - r.startTime);
}

/** A run as listed: `stale` says why a RUNNING run's process is gone (store/reader.ts `stale`). */
export type ListedRun = RunSummary & { stale?: string };

/** STALE for a RUNNING run nobody runs any more (resumable), else the stored status. */
function shownStatus(r: ListedRun): string {
  return r.stale === undefined ? r.status : "STALE";
}

export function formatRunList(runs: ListedRun[], options: FormatOptions = {}, now = Date.now() / 1000): string {
  if (runs.length === 0) return "no runs";
  const headers = ["ID", "STATUS", "EXPERIMENT", "NAME", "CREATED (UTC)", "DURATION"];
  const rows = runs.map((r) => [
    r.id,
    shownStatus(r),
    r.experiment,
    r.name,
    formatTime(r.created),
    runDuration(r, now),
  ]);
  const table = formatTable(headers, rows, (row, col, padded) =>
    col === 1 ? paint(padded, runs[row].stale ? STALE_COLOR : STATUS_COLOR[runs[row].status], options.color) : padded,
  );
  const stale = runs.filter((r) => r.stale !== undefined);
  return stale.length
    ? `${table}\nSTALE: RUNNING in the store but no live process owns it (it crashed or was killed); ` +
        `continue with shocklens train --resume ${stale.length === 1 ? stale[0].id : "ID"}`
    : table;
}

export function formatRunDetail(
  run: RunDetail & { stale?: string },
  events: RunEvent[],
  artifacts: Artifact[],
  options: FormatOptions = {},
  now = Date.now() / 1000,
): string {
  const fields: [string, string][] = [
    ["run", run.id],
    ["name", run.name],
    ["experiment", run.experiment],
    [
      "status",
      run.stale === undefined
        ? paint(run.status, STATUS_COLOR[run.status], options.color)
        : `${paint("STALE", STALE_COLOR, options.color)} (stored RUNNING; ${run.stale}; resume with shocklens train --resume ${run.id})`,
    ],
    ["seed", run.seed === null ? "-" : String(run.seed)],
    ["created", utc(run.created)],
    ["started", utc(run.startTime)],
    ["ended", utc(run.endTime)],
    ["duration", runDuration(run, now)],
    ["heartbeat", utc(run.heartbeat)],
  ];
  if (run.error) fields.push(["error", run.error]);
  fields.push(["config", `${JSON.stringify(run.config)}  (sha256 ${run.configHash.slice(0, 12)})`]);
  const tags = Object.entries(run.tags);
  fields.push(["tags", tags.length ? tags.map(([k, v]) => `${k}=${v}`).join(", ") : "-"]);
  const width = Math.max(...fields.map(([k]) => k.length));
  const out = [fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")];

  const params = Object.entries(run.params);
  if (params.length)
    out.push(
      `params\n${indent(
        formatTable(
          ["KEY", "VALUE"],
          params.map(([k, v]) => [k, JSON.stringify(v)]),
        ),
      )}`,
    );

  const last = Object.entries(run.lastScalars);
  out.push(
    `scalars: ${run.scalarCount} points, ${last.length} keys` +
      (last.length
        ? `\n${indent(
            formatTable(
              ["KEY", "STEP", "LAST VALUE"],
              last.map(([k, p]) => [k, String(p.step), String(p.value)]),
            ),
          )}`
        : ""),
  );

  const counts = Object.entries(run.eventCounts);
  const total = counts.reduce((n, [, c]) => n + c, 0);
  let ev = `events: ${total}` + (counts.length ? ` (${counts.map(([k, c]) => `${k} ${c}`).join(", ")})` : "");
  const shown = events.slice(-EVENTS_SHOWN);
  // A checkpoint event is history; its file may since have been pruned (keepCheckpoints).
  const kept = new Set(artifacts.map((a) => a.path));
  const pruned = (e: RunEvent) =>
    e.kind === "checkpoint" && typeof e.payload.path === "string" && !kept.has(e.payload.path);
  if (shown.length) {
    if (shown.length < events.length) ev += `; the last ${shown.length}:`;
    ev += `\n${indent(
      formatTable(
        ["STEP", "KIND", "PAYLOAD"],
        shown.map((e) => [String(e.step), e.kind, JSON.stringify(e.payload) + (pruned(e) ? "  (file pruned)" : "")]),
      ),
    )}`;
  }
  out.push(ev);

  if (artifacts.length) {
    out.push(
      `artifacts\n${indent(
        formatTable(
          ["NAME", "KIND", "BYTES", "PATH"],
          artifacts.map((a) => [a.name, a.kind, String(a.bytes), a.path]),
        ),
      )}`,
    );
  }
  return out.join("\n\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
