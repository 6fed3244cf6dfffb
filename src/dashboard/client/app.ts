/**
 * The dashboard page: runs list (search, filter by experiment and status), a run's page (live
 * curves, smoothing, log axis, event timeline, report and export links), overlays of several runs
 * and mean ± std over seeds. Routes live in the URL hash: #/, #/run/ID, #/compare/ID,ID,
 * #/group/ID,ID (one config, several seeds).
 */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { SeriesChart, type ChartEvent, type ChartState, type Source } from "./chart.ts";
import { el, esc, getJson, row } from "./dom.ts";

interface RunSummary {
  id: string;
  name: string;
  experiment: string;
  status: string;
  seed: number | null;
  created: number;
  heartbeat: number | null;
}
interface RunEvent {
  id: number;
  step: number;
  kind: string;
  payload: Record<string, unknown>;
}
interface RunDetailReply {
  run: RunSummary & {
    config: unknown;
    lastScalars: Record<string, { step: number; value: number }>;
    scalarCount: number;
  };
  keys: string[];
  events: RunEvent[];
  artifacts: { name: string; kind: string; path: string }[];
}

const app = document.getElementById("app") as HTMLElement;
const state: ChartState = { smooth: 0, logY: false };
let charts: SeriesChart[] = [];
let liveSource: EventSource | null = null;

// for tests and for the curious: the live charts and their statistics
(window as unknown as { __shocklens: unknown }).__shocklens = {
  get charts() {
    return charts.map((c) => c.stats);
  },
  reload: () => Promise.all(charts.map((c) => c.load())),
};

function cleanup(): void {
  liveSource?.close();
  liveSource = null;
  charts.forEach((c) => c.plot?.destroy());
  charts = [];
  app.replaceChildren();
}

const when = (s: number | null) => (s ? new Date(s * 1000).toLocaleString() : "—");

async function runsView(): Promise<void> {
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const controls = el(
    "div",
    { class: "controls" },
    `<input id="search" placeholder="search id, name, experiment" value="${esc(params.get("q") ?? "")}">
     <select id="experiment"><option value="">all experiments</option></select>
     <select id="status"><option value="">any status</option>${["RUNNING", "FINISHED", "FAILED", "KILLED", "SCHEDULED"]
       .map((s) => `<option${params.get("status") === s ? " selected" : ""}>${s}</option>`)
       .join("")}</select>
     <button id="compare">Compare selected</button> <button id="seeds">Mean ± std of selected</button>`,
  );
  const table = el("table", { id: "runs" });
  const groupsBox = el("div", { id: "groups" });
  app.append(el("h2", {}, "Runs"), controls, table, el("h2", {}, "Configs with several seeds"), groupsBox);
  const expSel = controls.querySelector("#experiment") as HTMLSelectElement;
  const render = async () => {
    const q = new URLSearchParams();
    const search = (controls.querySelector("#search") as HTMLInputElement).value;
    const status = (controls.querySelector("#status") as HTMLSelectElement).value;
    if (search) q.set("q", search);
    if (expSel.value) q.set("experiment", expSel.value);
    if (status) q.set("status", status);
    const r = await getJson<{ runs: RunSummary[]; experiments: string[]; total: number }>(`/api/runs?${q}`);
    if (expSel.options.length === 1)
      for (const e of r.experiments) expSel.append(el("option", { value: e }, esc(e)) as HTMLOptionElement);
    table.innerHTML =
      `<tr><th></th><th>run</th><th>name</th><th>experiment</th><th>status</th><th>seed</th><th>created</th></tr>` +
      r.runs
        .map((x) =>
          row([
            `<input type="checkbox" value="${esc(x.id)}">`,
            `<a href="#/run/${esc(x.id)}">${esc(x.id)}</a>`,
            esc(x.name),
            esc(x.experiment),
            `<span class="status ${esc(x.status)}">${esc(x.status)}</span>`,
            String(x.seed ?? "—"),
            esc(when(x.created)),
          ]),
        )
        .join("");
    const g = await getJson<{
      groups: { size: number; runs: { id: string; seed: number | null }[]; config: Record<string, unknown> }[];
    }>(`/api/groups${expSel.value ? `?experiment=${encodeURIComponent(expSel.value)}` : ""}`);
    groupsBox.innerHTML =
      g.groups
        .filter((x) => x.size > 1)
        .map(
          (x) =>
            `<p><a href="#/group/${x.runs.map((r) => esc(r.id)).join(",")}">${x.size} seeds</a> of ` +
            `${esc(String(x.config.name ?? ""))} ${esc(String(x.config.experiment ?? ""))}: ` +
            `seeds ${x.runs.map((r) => r.seed).join(", ")}</p>`,
        )
        .join("") || "<p class=note>No config has more than one seed yet.</p>";
  };
  controls.addEventListener("input", () => void render());
  const selected = () => [...table.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);
  controls
    .querySelector("#compare")!
    .addEventListener("click", () => (location.hash = `#/compare/${selected().join(",")}`));
  controls
    .querySelector("#seeds")!
    .addEventListener("click", () => (location.hash = `#/group/${selected().join(",")}`));
  await render();
}

function viewControls(onChange: () => void): HTMLElement {
  const box = el(
    "div",
    { class: "controls" },
    `<label>smoothing <input id="smooth" type="range" min="0" max="0.99" step="0.01" value="${state.smooth}">` +
      ` <span id="smoothv">${state.smooth}</span></label>
     <label><input id="logy" type="checkbox"${state.logY ? " checked" : ""}> log y</label>
     <span class="note">drag to zoom (re-fetched at full resolution), double-click to reset</span>`,
  );
  box.querySelector("#smooth")!.addEventListener("change", (e) => {
    state.smooth = Number((e.target as HTMLInputElement).value);
    box.querySelector("#smoothv")!.textContent = String(state.smooth);
    onChange();
  });
  box.querySelector("#logy")!.addEventListener("change", (e) => {
    state.logY = (e.target as HTMLInputElement).checked;
    charts.forEach((c) => {
      c.plot?.destroy();
      c.plot = null;
    });
    onChange();
  });
  return box;
}

function chartBox(title: string, sources: Source[], events: ChartEvent[]): SeriesChart {
  const box = el("div", { class: "chart", "data-key": title });
  app.append(box);
  const c = new SeriesChart(box, title, sources, state, events);
  charts.push(c);
  return c;
}

const seriesUrl = (id: string, key: string) =>
  `/api/runs/${encodeURIComponent(id)}/series?key=${encodeURIComponent(key)}`;

async function runView(id: string): Promise<void> {
  const d = await getJson<RunDetailReply>(`/api/runs/${encodeURIComponent(id)}`);
  const r = d.run;
  const notable = (ev: RunEvent[]) => ev.filter((e) => !["checkpoint", "info"].includes(e.kind));
  const header = el(
    "div",
    { class: "runhead" },
    `<h2>${esc(r.name)} <small>${esc(r.id)}</small> <span id="status" class="status ${esc(r.status)}">${esc(r.status)}</span></h2>
     <p>experiment ${esc(r.experiment)} · seed ${r.seed ?? "—"} · ${r.scalarCount} points ·
     <a href="/runs/${esc(r.id)}/report.html" target="_blank">report</a> ·
     <a href="/runs/${esc(r.id)}/report.html?analysis=1" target="_blank">report with spectra and slice</a> ·
     <a href="/runs/${esc(r.id)}/export.csv">CSV export</a> · <a href="/explore#run=${esc(r.id)}">explore a slice</a></p>`,
  );
  app.append(
    header,
    viewControls(() => charts.forEach((c) => void c.load())),
  );
  const evs = notable(d.events).map((e) => ({ step: e.step, kind: e.kind }));
  for (const key of d.keys) chartBox(key, [{ label: key, url: seriesUrl(r.id, key), kind: "series" }], evs);
  const timeline = el("div", { id: "timeline" });
  app.append(el("h3", {}, "Event timeline"), timeline);
  const showEvents = (ev: RunEvent[]) => {
    timeline.innerHTML = ev.length
      ? `<table><tr><th>step</th><th>kind</th><th>details</th></tr>${ev
          .map(
            (e) =>
              `<tr><td>${e.step}</td><td>${esc(e.kind)}</td><td>${esc(JSON.stringify(e.payload).slice(0, 200))}</td></tr>`,
          )
          .join("")}</table>`
      : "<p class=note>No events.</p>";
  };
  showEvents(d.events);
  await Promise.all(charts.map((c) => c.load()));
  // live: the server says when new points, events or a status change arrive
  liveSource = new EventSource(`/api/runs/${encodeURIComponent(r.id)}/live`);
  const known = new Set(d.keys);
  let eventCount = d.events.length;
  liveSource.addEventListener("update", async (m) => {
    const u = JSON.parse((m as MessageEvent).data) as { keys: string[]; status: string; events: number };
    const s = document.getElementById("status");
    if (s) {
      s.textContent = u.status;
      s.className = `status ${u.status}`;
    }
    for (const k of u.keys)
      if (!known.has(k)) {
        known.add(k);
        void chartBox(k, [{ label: k, url: seriesUrl(r.id, k), kind: "series" }], evs).load();
      }
    if (u.events !== eventCount) {
      eventCount = u.events;
      const ev = (await getJson<RunDetailReply>(`/api/runs/${encodeURIComponent(r.id)}`)).events;
      showEvents(ev);
      charts.forEach((c) => c.setEvents(notable(ev).map((e) => ({ step: e.step, kind: e.kind }))));
    }
    charts.forEach((c) => c.refreshSoon());
  });
}

async function compareView(ids: string[], aggregate: boolean): Promise<void> {
  const details = await Promise.all(ids.map((id) => getJson<RunDetailReply>(`/api/runs/${encodeURIComponent(id)}`)));
  const keys = [...new Set(details.flatMap((d) => d.keys))].sort();
  app.append(
    el("h2", {}, aggregate ? `Mean ± std over ${ids.length} runs` : `Comparing ${ids.length} runs`),
    el(
      "p",
      {},
      details
        .map(
          (d) => `<a href="#/run/${esc(d.run.id)}">${esc(d.run.id)}</a> ${esc(d.run.name)} (seed ${d.run.seed ?? "—"})`,
        )
        .join(" · "),
    ),
    viewControls(() => charts.forEach((c) => void c.load())),
  );
  for (const key of keys) {
    const sources: Source[] = aggregate
      ? [
          {
            label: key,
            url: `/api/aggregate?runs=${ids.map(encodeURIComponent).join(",")}&key=${encodeURIComponent(key)}`,
            kind: "aggregate",
          },
        ]
      : details
          .filter((d) => d.keys.includes(key))
          .map((d) => ({
            label: `${d.run.id} seed ${d.run.seed ?? "—"}`,
            url: seriesUrl(d.run.id, key),
            kind: "series",
          }));
    chartBox(key, sources, []);
  }
  await Promise.all(charts.map((c) => c.load()));
}

async function route(): Promise<void> {
  cleanup();
  const [path] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  try {
    if (parts[0] === "run" && parts[1]) await runView(decodeURIComponent(parts[1]));
    else if ((parts[0] === "compare" || parts[0] === "group") && parts[1])
      await compareView(decodeURIComponent(parts[1]).split(",").filter(Boolean), parts[0] === "group");
    else await runsView();
  } catch (err) {
    app.append(el("p", { class: "error" }, esc((err as Error).message)));
  }
  document.body.dataset.ready = "1";
}

window.addEventListener("hashchange", () => {
  document.body.dataset.ready = "0";
  void route();
});
void route();
