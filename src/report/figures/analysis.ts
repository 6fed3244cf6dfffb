/** Figures of the trained network's analysis (../analysis.ts): Hessian spectra and the verification slice. */
import type { NetworkAnalysis } from "../analysis.ts";
import { Plot, renderPlot, type Figure } from "../plot.ts";

const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : v > 0 ? "∞" : "—");

/** Densities below this are drawn at it (log axis; SLQ tails are Gaussian-broadening artefacts anyway). */
const FLOOR = 1e-5;

export function spectrumFigure(a: NetworkAnalysis): Figure {
  const sp = a.spectrum;
  const data = [
    ...Array.from(sp.grid, (l, i) => ({ lambda: l, density: Math.max(sp.raw[i], FLOOR), which: "raw ∇²L at θ" })),
    ...Array.from(sp.grid, (l, i) => ({
      lambda: l,
      density: Math.max(sp.quotient[i], FLOOR),
      which: "quotient P∇²LP at θ_c",
    })),
  ];
  const svg = renderPlot({
    x: { label: "eigenvalue λ", grid: true },
    y: { type: "log", label: "density (log)", grid: true },
    color: { legend: true },
    marks: [
      Plot.line(
        data.filter((d) => !d.which.startsWith("raw")),
        { x: "lambda", y: "density", stroke: "which", strokeWidth: 2.2 },
      ),
      Plot.line(
        data.filter((d) => d.which.startsWith("raw")),
        { x: "lambda", y: "density", stroke: "which", strokeDasharray: "5 3" },
      ),
      Plot.ruleX([0]),
    ],
  });
  return {
    id: "hessian-spectra",
    title: "Hessian spectra",
    caption: [
      `Stochastic Lanczos quadrature on ${a.samples} held-out samples (${a.params} parameters,`,
      `group ${a.group.name} of dimension ${a.group.dim}), broadened by σ = ${fmt(sp.sigma)}.`,
      `Raw λ ∈ [${fmt(sp.rawRange[0])}, ${fmt(sp.rawRange[1])}],`,
      `quotient λ ∈ [${fmt(sp.quotientRange[0])}, ${fmt(sp.quotientRange[1])}].`,
    ].join(" "),
    svg,
  };
}

export function sliceFigures(a: NetworkAnalysis): Figure[] {
  const sl = a.slice;
  const x = sl.x;
  const label = (t: number) => `t = ${fmt(t)}`;
  const uData = sl.rows.flatMap((r) => Array.from(r.u, (u, i) => ({ x: x[i], v: u, t: label(r.t) })));
  const pData = sl.rows.flatMap((r) => Array.from(r.p, (p, i) => ({ x: x[i], v: p, t: label(r.t) })));
  const loss = Array.from(sl.s, (s, i) => ({ x: s, v: sl.g[i], t: "loss g(s) (t = 0)" }));
  const shocks = sl.rows.flatMap((r) => r.shocks.map((s) => ({ x: s.x, t: label(r.t) })));
  const lim = [x[0], x[x.length - 1]];
  const uSvg = renderPlot({
    x: { label: "s (slice coordinate)", domain: lim, grid: true },
    y: { label: "u(s, t)", grid: true },
    color: { legend: true },
    marks: [
      Plot.line(
        loss.filter((d) => d.x >= lim[0] && d.x <= lim[1]),
        { x: "x", y: "v", stroke: "#999", strokeDasharray: "4 3" },
      ),
      Plot.line(uData, { x: "x", y: "v", stroke: "t", z: "t" }),
    ],
  });
  const pSvg = renderPlot({
    x: { label: "s (slice coordinate)", domain: lim, grid: true },
    y: { label: "p = ∂u/∂s", grid: true },
    color: { legend: true },
    marks: [
      Plot.line(pData, { x: "x", y: "v", stroke: "t", z: "t" }),
      Plot.ruleX(shocks, { x: "x", stroke: "t", strokeDasharray: "2 2" }),
    ],
  });
  const cells = sl.xt.rows.flatMap((r) => Array.from(r.p, (p, i) => ({ x: sl.xt.x[i], t: r.t, p })));
  const dt = sl.xt.rows.length > 1 ? sl.xt.rows[1].t - sl.xt.rows[0].t : 1;
  const dx = sl.xt.x[1] - sl.xt.x[0];
  const chars = sl.characteristics.flatMap((c) => c.t.map((t, k) => ({ x: c.x[k], t, foot: c.y0 })));
  const shockPath = sl.xt.rows.flatMap((r) => r.shocks.map((s) => ({ x: s.x, t: r.t })));
  const xtSvg = renderPlot({
    height: 420,
    x: { label: "s", domain: [sl.xt.x[0] - dx / 2, sl.xt.x[sl.xt.x.length - 1] + dx / 2] },
    y: { label: "t", domain: [0, sl.xt.rows[sl.xt.rows.length - 1].t + dt / 2] },
    color: { type: "diverging", scheme: "RdBu", legend: true, label: "p" },
    marks: [
      Plot.rect(cells, {
        x1: (d: { x: number }) => d.x - dx / 2,
        x2: (d: { x: number }) => d.x + dx / 2,
        y1: (d: { t: number }) => d.t - dt / 2,
        y2: (d: { t: number }) => d.t + dt / 2,
        fill: "p",
        inset: 0,
      }),
      Plot.line(chars, {
        x: "x",
        y: "t",
        z: "foot",
        stroke: "black",
        strokeWidth: 0.8,
        strokeOpacity: 0.7,
        clip: true,
      }),
      Plot.dot(shockPath, { x: "x", y: "t", fill: "gold", stroke: "black", r: 2.2 }),
      ...(Number.isFinite(sl.tStar) ? [Plot.ruleY([sl.tStar], { stroke: "black", strokeDasharray: "5 3" })] : []),
    ],
  });
  const ts = Number.isFinite(sl.tStar) ? `t* = ${fmt(sl.tStar)}` : "t* = ∞ (the slice is convex: no shock)";
  const born = sl.xt.rows.find((r) => r.shocks.length > 0);
  return [
    {
      id: "slice-u",
      title: "Local entropy u on the verification slice",
      caption: [
        `g(s) = L(θ + s·d) along the Hessian's lowest eigen-direction (curvature ${fmt(sl.curvature)}),`,
        `and its Hopf–Lax coarse-graining u(s, t) = min_y g(y) + (s − y)²/(2t) at several t. ${ts}.`,
      ].join(" "),
      svg: uSvg,
    },
    {
      id: "slice-p",
      title: "p = ∇u on the verification slice",
      caption: [
        `p solves the inviscid Burgers equation (viscous check at t = ${fmt(sl.orders.t)}, β = ${fmt(sl.orders.beta)}:`,
        `HJ residual order ${sl.orders.hj.toFixed(2)}, Burgers ${sl.orders.burgers.toFixed(2)} under halving of the grid step;`,
        `2 = the equations hold). Dashed lines mark the shocks detected in p`,
        `(${sl.rows.map((r) => `${r.shocks.length} at ${label(r.t)}`).join(", ")}).`,
      ].join(" "),
      svg: pSvg,
    },
    {
      id: "slice-xt",
      title: "x–t diagram of the shock with characteristics",
      caption: [
        `Colour: p(s, t). Black lines: characteristics s = y₀ + t g'(y₀), stopped where they enter a shock.`,
        `Gold dots: the shock. Dashed: the forecast ${ts}.`,
        born ? `First shock seen at t = ${fmt(born.t)}.` : "No shock seen on this time range.",
      ].join(" "),
      svg: xtSvg,
    },
  ];
}
