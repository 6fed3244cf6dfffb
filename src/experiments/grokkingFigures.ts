/** The grokking experiment's figures (docs/experiments.md §grokking), drawn with the SVG line plotter. */
import { linePlot, type Series, type VerticalMarker } from "../report/svgplot.ts";
import type { RunStore } from "../store/types.ts";
import type { ScoredRun } from "../monitor/score.ts";
import type { GrokkingRun } from "./grokkingRun.ts";

function series(store: RunStore, run: string, key: string): { x: number[]; y: number[] } {
  const pts = store.scalars(run, key);
  return { x: pts.map((p) => p.step), y: pts.map((p) => p.value) };
}

/** Scaled to [0, 1] over the run (min → 0, max → 1), so shapes can share one axis. */
function scaled(s: { x: number[]; y: number[] }): { x: number[]; y: number[] } {
  const f = s.y.filter(Number.isFinite);
  const lo = Math.min(...f);
  const hi = Math.max(...f);
  return { x: s.x, y: s.y.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5)) };
}

export function grokkingFigures(store: RunStore, runs: GrokkingRun[], scored: ScoredRun[]): Record<string, string> {
  const r = runs.find((x) => x.weightDecay > 0 && x.transitionStep !== null);
  if (!r) return {};
  const engine = scored.find((x) => x.run === r.run)?.engine;
  const markers: VerticalMarker[] = [{ x: r.transitionStep as number, label: "test acc ≥ 50 %", color: "#000" }];
  // The last change point at or before the transition, by either detector.
  const last = (obs: string) =>
    engine?.changePoints.filter((c) => c.observable === obs && c.step <= (r.transitionStep as number)).pop();
  for (const [obs, color] of [
    ["paramNorm", "#d62728"],
    ["orbitMinSqNorm", "#2ca02c"],
  ] as const) {
    const c = last(obs);
    if (c) markers.push({ x: c.step, label: `${obs} (${c.detector})`, color });
  }
  const acc = series(store, r.run, "test/accuracy");
  const tr = series(store, r.run, "train/accuracy");
  const lines: Series[] = [
    { label: "test accuracy", ...acc, color: "#000", width: 2.5 },
    { label: "train accuracy", ...tr, color: "#777", dash: "4 3" },
    { label: "‖θ‖ (raw, scaled)", ...scaled(series(store, r.run, "monitor/raw/paramNorm")), color: "#d62728" },
    {
      label: "‖θ_c‖² (quotient, scaled)",
      ...scaled(series(store, r.run, "monitor/quotient/orbitMinSqNorm")),
      color: "#2ca02c",
    },
    {
      label: "train loss (scaled)",
      ...scaled(series(store, r.run, "monitor/quotient/loss")),
      color: "#1f77b4",
      dash: "6 3",
    },
  ];
  const curves = linePlot({
    series: lines,
    title: `Grokking: MLP on a + b mod ${r.p} (seed ${r.seed}), monitored`,
    xLabel: "step",
    yLabel: "accuracy / scaled observable",
    yRange: [-0.02, 1.05],
    markers,
    legend: "top-left",
    width: 760,
    height: 420,
  });
  const curvature = linePlot({
    series: [
      { label: "raw λ_max", ...series(store, r.run, "monitor/raw/sharpness"), color: "#d62728" },
      { label: "quotient λ_max", ...series(store, r.run, "monitor/quotient/quotientSharpness"), color: "#2ca02c" },
      { label: "raw λ_min", ...series(store, r.run, "monitor/raw/lambdaMin"), color: "#d62728", dash: "4 3" },
      {
        label: "quotient λ_min",
        ...series(store, r.run, "monitor/quotient/quotientLambdaMin"),
        color: "#2ca02c",
        dash: "4 3",
      },
    ],
    title: `Grokking p = ${r.p}: Hessian extremes, raw at θ vs quotient at θ_c`,
    xLabel: "step",
    yLabel: "eigenvalue",
    markers: markers.slice(0, 1),
    width: 760,
    height: 380,
  });
  return { "grokking-curves": curves, "grokking-curvature": curvature };
}
