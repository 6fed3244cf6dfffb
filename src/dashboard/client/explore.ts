/**
 * The Explore page: pick a closed-form loss (double well, tilted double well, ReLU kink,
 * quadratic) or a 1-D/2-D slice of a stored model, drag t and β, and watch u(·, t), p = ∇u, the
 * characteristics and the shock forming. Everything is computed here, in the browser, by the same
 * numeric core the library uses (bundled at build time): Hopf–Lax (β = ∞) or Cole–Hopf (finite β),
 * shock detection, the forecast t* = 1/sup(−f''). Only a model slice's loss values come from the
 * server (once per slice).
 */
import "./style.css";
import { characteristicLines, hjDiagram, type DiagramRow } from "../../pde/diagram.ts";
import { doubleWell, doubleWellGrad, doubleWellHess, doubleWellJump } from "../../pde/exact/doubleWell.ts";
import { reluKink } from "../../pde/exact/kink.ts";
import { hermiteInterpolant } from "../../pde/hermite.ts";
import { coleHopf2d } from "../../pde/hj/coleHopf.ts";
import { hopfLax2d } from "../../pde/hj/hopfLax2d.ts";
import { linspace } from "../../pde/quadrature.ts";
import { shockTime1d } from "../../pde/shockTime.ts";
import { getJson } from "./dom.ts";
import { heatmap, linePlot } from "./canvas.ts";

interface Loss1d {
  kind: "1d";
  name: string;
  f: (y: number) => number;
  df: (y: number) => number;
  d2f: (y: number) => number;
  x: [number, number];
  y: [number, number];
  tMax: number;
  /** Where sup(−f'') is searched (default: the y range). */
  box?: [number, number];
  note: string;
}
interface Loss2d {
  kind: "2d";
  name: string;
  s: number[];
  values: number[];
  tMax: number;
  note: string;
}
type Loss = Loss1d | Loss2d;

interface SliceReply {
  dims: 1 | 2;
  s: number[];
  values: number[];
  eigenvalues: number[];
  radius: number;
}

const root = document.getElementById("explore") as HTMLElement;
const stats = {
  frames: 0,
  lastFrameMs: 0,
  t: 0,
  beta: Infinity,
  loss: "",
  shocks: [] as { x: number; jump: number }[],
  tStar: NaN,
};
(window as unknown as { __explore: unknown }).__explore = stats;

root.innerHTML = `
<h2>Explore: local entropy, Burgers and shocks</h2>
<div class="controls">
  <label>loss <select id="loss">
    <option value="dw">double well (y²−1)²/4</option>
    <option value="tilted">tilted double well (y²−1)²/4 + εy</option>
    <option value="kink">ReLU kink (relu(s) − y)²</option>
    <option value="quad">quadratic a·y²/2</option>
    <option value="slice1">model slice, 1-D</option>
    <option value="slice2">model slice, 2-D</option>
  </select></label>
  <label id="paramBox">parameter <input id="param" type="range" min="-1" max="1" step="0.01" value="0.2"> <span id="paramv"></span></label>
  <label id="runBox">run <input id="run" size="14" placeholder="run id"></label>
</div>
<div class="controls">
  <label>t <input id="t" type="range" min="0.005" max="1" step="0.005" value="0.3" style="width:320px"> <span id="tv"></span></label>
  <label>log₁₀β <input id="beta" type="range" min="0" max="4" step="0.05" value="4" style="width:200px"> <span id="betav"></span></label>
  <label><input id="inviscid" type="checkbox" checked> β = ∞ (Hopf–Lax)</label>
</div>
<div class="explore">
  <div><canvas id="c1" width="560" height="300"></canvas></div>
  <div><canvas id="c2" width="560" height="300"></canvas></div>
  <div><canvas id="c3" width="560" height="340"></canvas></div>
  <div class="readout" id="readout"></div>
</div>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const lossSel = $<HTMLSelectElement>("loss");
const param = $<HTMLInputElement>("param");
const tIn = $<HTMLInputElement>("t");
const betaIn = $<HTMLInputElement>("beta");
const inviscid = $<HTMLInputElement>("inviscid");
const runIn = $<HTMLInputElement>("run");
runIn.value = new URLSearchParams(location.hash.slice(1)).get("run") ?? "";

let loss: Loss | null = null;
let diagram: { x: Float64Array; rows: DiagramRow[]; chars: ReturnType<typeof characteristicLines> } | null = null;
const sliceCache = new Map<string, SliceReply>();

async function modelSlice(dims: 1 | 2): Promise<SliceReply> {
  const id = runIn.value.trim();
  if (!id) throw new Error("enter the id of a finished run (it needs final weights)");
  const k = `${id}/${dims}`;
  if (!sliceCache.has(k))
    sliceCache.set(k, await getJson<SliceReply>(`/api/runs/${encodeURIComponent(id)}/slice?dims=${dims}`));
  return sliceCache.get(k)!;
}

async function makeLoss(): Promise<Loss> {
  const a = Number(param.value);
  switch (lossSel.value) {
    case "dw":
    case "tilted": {
      const eps = lossSel.value === "dw" ? 0 : a * 0.5;
      return {
        kind: "1d",
        name: lossSel.value === "dw" ? "double well" : `tilted double well, ε = ${eps.toFixed(2)}`,
        f: (y) => doubleWell(y, eps),
        df: (y) => doubleWellGrad(y, eps),
        d2f: doubleWellHess,
        x: [-2, 2],
        y: [-4, 4],
        tMax: 4,
        note: `exact: t* = 1, shock at x = εt = ${eps.toFixed(2)}·t with jump 2√(1 − 1/t)/t`,
      };
    }
    case "kink": {
      const yk = a;
      return {
        kind: "1d",
        name: `ReLU kink, y = ${yk.toFixed(2)}`,
        f: (s) => reluKink(s, yk),
        df: (s) => (s > 0 ? 2 * (s - yk) : 0),
        d2f: (s) => (s > 0 ? 2 : 0),
        x: [-2, 2],
        y: [-5, 5],
        tMax: 2,
        note:
          yk > 0
            ? `concave kink: a shock from t = 0⁺ at x = y(1 − √(1 + 2t))`
            : `convex kink: a rarefaction fan, no shock`,
      };
    }
    case "quad": {
      const c = a * 2; // curvature in [−2, 2]
      return {
        kind: "1d",
        name: `quadratic, a = ${c.toFixed(2)}`,
        f: (y) => 0.5 * c * y * y,
        df: (y) => c * y,
        d2f: () => c,
        x: [-2, 2],
        y: [-6, 6],
        tMax: c < 0 ? 0.95 / -c : 3,
        note:
          c < 0
            ? `t* = −1/a = ${(-1 / c).toFixed(3)}: u → −∞ there (no minimiser), no shock`
            : `convex: no shock, p = a x/(1 + a t)`,
      };
    }
    default: {
      const dims = lossSel.value === "slice1" ? 1 : 2;
      const r = await modelSlice(dims);
      const lam = r.eigenvalues[0];
      if (dims === 2)
        return {
          kind: "2d",
          name: `model slice (2-D), λ = ${r.eigenvalues.map((v) => v.toPrecision(3)).join(", ")}`,
          s: r.s,
          values: r.values,
          tMax: 3 / Math.max(Math.abs(lam), 1e-3),
          note: "",
        };
      const h = hermiteInterpolant(r.s, r.values);
      const R = r.radius;
      const fc = shockTime1d(h.d2f, { min: r.s[1], max: r.s[r.s.length - 2], n: r.s.length - 2 }, h.df);
      return {
        kind: "1d",
        name: `model slice (1-D) along the lowest Hessian direction, λ = ${lam.toPrecision(3)}`,
        ...h,
        x: [-R / 2, R / 2],
        y: [-R, R],
        tMax: 3 * (Number.isFinite(fc.tStar) ? fc.tStar : 1 / Math.max(Math.abs(lam), 1e-3)),
        // the end cells have one-sided slopes: their curvature is an artefact of the interpolation
        box: [r.s[1], r.s[r.s.length - 2]],
        note: "loss values from the server; everything else computed in this page",
      };
    }
  }
}

const beta = () => (inviscid.checked ? Infinity : 10 ** Number(betaIn.value));

/** The x–t diagram for the current loss and β (recomputed when they change, not when t moves). */
function computeDiagram(l: Loss1d): void {
  const x = linspace(l.x[0], l.x[1], 121);
  const times = Array.from({ length: 60 }, (_, i) => ((i + 1) / 60) * l.tMax);
  const y = { min: l.y[0], max: l.y[1], n: 801 };
  const rows = hjDiagram(l.f, { x, times, y, df: l.df, beta: beta() });
  const feet = Array.from(linspace(l.x[0], l.x[1], 17));
  diagram = { x, rows, chars: characteristicLines(l.f, l.df, feet, times, { y }) };
}

function frame(): void {
  if (!loss) return;
  const t0 = performance.now();
  const t = Number(tIn.value) * loss.tMax;
  const b = beta();
  $("tv").textContent = t.toPrecision(3);
  $("betav").textContent = Number.isFinite(b) ? b.toPrecision(3) : "∞";
  const c1 = $<HTMLCanvasElement>("c1");
  const c2 = $<HTMLCanvasElement>("c2");
  const c3 = $<HTMLCanvasElement>("c3");
  let text = `${loss.name}\nt = ${t.toPrecision(4)}, β = ${Number.isFinite(b) ? b.toPrecision(3) : "∞ (inviscid)"}\n`;
  if (loss.kind === "1d") {
    const l = loss;
    const x = linspace(l.x[0], l.x[1], 301);
    const [row] = hjDiagram(l.f, { x, times: [t], y: { min: l.y[0], max: l.y[1], n: 1601 }, df: l.df, beta: b });
    const fx = Array.from(x, l.f);
    linePlot(
      c1,
      x,
      [
        { y: fx, color: "#999", dash: true, label: "f (t = 0)" },
        { y: row.u, color: "#1f77b4", label: "u(x, t)" },
      ],
      "u",
    );
    linePlot(
      c2,
      x,
      [{ y: row.p, color: "#d62728", label: "p = ∂u/∂x" }],
      "p",
      row.shocks.map((s) => s.x),
    );
    if (diagram)
      heatmap(
        c3,
        diagram.x,
        diagram.rows.map((r) => r.t),
        diagram.rows.map((r) => r.p),
        {
          chars: diagram.chars,
          tLine: t,
          shocks: diagram.rows.flatMap((r) => r.shocks.map((s) => [s.x, r.t] as [number, number])),
        },
      );
    const [b0, b1] = l.box ?? l.y;
    const fc = shockTime1d(l.d2f, { min: b0, max: b1, n: 801 }, l.df);
    stats.tStar = fc.tStar;
    stats.shocks = row.shocks.map((s) => ({ x: s.x, jump: s.left - s.right }));
    const born = Number.isFinite(fc.tStar) ? `, born at x₀ = ${fc.x0[0].toPrecision(3)}` : "";
    text += `forecast t* = 1/sup(−f'') = ${Number.isFinite(fc.tStar) ? fc.tStar.toPrecision(4) : "∞"}${born}\n`;
    text += row.shocks.length
      ? row.shocks
          .map(
            (s) =>
              `shock at x = ${s.x.toPrecision(4)}: p_L = ${s.left.toPrecision(4)}, p_R = ${s.right.toPrecision(4)}, ` +
              `jump ${(s.left - s.right).toPrecision(4)}, speed ${s.speed.toPrecision(3)}`,
          )
          .join("\n")
      : "no shock at this t";
    if (lossSel.value === "dw" && !Number.isFinite(b))
      text += `\nexact jump 2√(1 − 1/t)/t = ${doubleWellJump(t).toPrecision(4)}`;
    text += `\n${l.note}`;
  } else {
    const l = loss;
    const m = l.s.length;
    const h = l.s[1] - l.s[0];
    const f2 = (y1: number, y2: number): number => {
      // bilinear on the sampled grid, flat outside
      const u = Math.min(Math.max((y1 - l.s[0]) / h, 0), m - 1.000001);
      const v = Math.min(Math.max((y2 - l.s[0]) / h, 0), m - 1.000001);
      const i = Math.floor(u);
      const j = Math.floor(v);
      const a = u - i;
      const c = v - j;
      const g = (ii: number, jj: number) => l.values[ii * m + jj];
      return (
        (1 - a) * (1 - c) * g(i, j) + a * (1 - c) * g(i + 1, j) + (1 - a) * c * g(i, j + 1) + a * c * g(i + 1, j + 1)
      );
    };
    const R = l.s[m - 1];
    const xs = linspace(-R / 2, R / 2, 41);
    const grid = { min: -R, max: R, n: 81 };
    const r = Number.isFinite(b)
      ? coleHopf2d(f2, xs, xs, t, b, { grid: [grid, grid] })
      : hopfLax2d(f2, xs, xs, t, { grid: [grid, grid] });
    const rows = (a: ArrayLike<number>) =>
      Array.from({ length: 41 }, (_, i) => Array.from({ length: 41 }, (_, j) => a[i * 41 + j]));
    const g0 = rows(Float64Array.from({ length: 41 * 41 }, (_, k) => f2(xs[Math.floor(k / 41)], xs[k % 41])));
    heatmap(c1, xs, Array.from(xs), g0, { title: "loss g(s₁, s₂)" });
    heatmap(c2, xs, Array.from(xs), rows(r.u), { title: "u(s₁, s₂, t)" });
    const pn =
      "p1" in r
        ? Float64Array.from(r.p1, (v, k) => Math.hypot(v, (r as { p2: Float64Array }).p2[k]))
        : new Float64Array(41 * 41);
    heatmap(c3, xs, Array.from(xs), rows(pn), { title: "|∇u|" });
    stats.shocks = [];
    text += "2-D slice: u and |∇u| on the plane of the two lowest Hessian directions";
  }
  $("readout").textContent = text;
  stats.frames++;
  stats.t = t;
  stats.beta = b;
  stats.loss = loss.name;
  stats.lastFrameMs = performance.now() - t0;
  document.body.dataset.frame = String(stats.frames);
}

async function reset(): Promise<void> {
  const v = lossSel.value;
  $("paramBox").style.display = ["tilted", "kink", "quad"].includes(v) ? "" : "none";
  $("runBox").style.display = v.startsWith("slice") ? "" : "none";
  $("paramv").textContent = param.value;
  try {
    loss = await makeLoss();
    diagram = null;
    if (loss.kind === "1d") computeDiagram(loss);
    frame();
  } catch (err) {
    $("readout").textContent = (err as Error).message;
  }
}

lossSel.addEventListener("change", () => void reset());
param.addEventListener("input", () => void reset());
runIn.addEventListener("change", () => void reset());
betaIn.addEventListener("input", () => {
  inviscid.checked = false;
  void reset();
});
inviscid.addEventListener("change", () => void reset());
tIn.addEventListener("input", () => frame());
if (runIn.value) lossSel.value = "slice1";
void reset();
