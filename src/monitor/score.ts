/**
 * Scoring observables as predictors of a phase transition over a family of runs
 * (docs/monitor.md §scoring). For a run with transition step T and horizon H:
 * - a warning (change point or announced forecast) in [T − H, T] is a true warning; the first one
 *   gives the lead T − step; a run with one is detected;
 * - a change point in [warmup, T − H) — or anywhere after warmup in a run without a transition —
 *   is a false alarm; the false-positive rate is the share of runs with at least one;
 * - window-level AUROC: every scored observation in [warmup, T] of a transitioning run (label 1 in
 *   [T − H, T], else 0) and every one after warmup of a run without transition (label 0), scored
 *   by the detector statistic;
 * - run-level AUROC (when the family has runs with and without a transition): each run scored by
 *   the largest statistic over [warmup, cutoff], cutoff = T for a transitioning run and the median
 *   T of those for the others, labelled by whether it transitions.
 * AUROC is the Mann–Whitney probability that a positive outscores a negative (ties count ½).
 */
import type { MonitorEngine } from "./engine.ts";
import type { MonitorKind } from "./observables.ts";

/** Observables scored as baselines: weight norm, loss change points, sharpness/(2/η), LLC. */
export const BASELINES: readonly string[] = ["paramNorm", "loss", "sharpnessRatio", "llc"];

export interface ScoredRun {
  run: string;
  transitionStep: number | null;
  engine: MonitorEngine;
}

export interface ScoreOptions {
  horizon: number;
  warmup: number;
  baselines?: readonly string[];
}

export interface ObservableScore {
  observable: string;
  kind: MonitorKind;
  /** "cusum" | "bocpd" (change points) or "trend" | "tStar" | "shockProximity" (forecasts). */
  source: string;
  baseline: boolean;
  runs: number;
  /** Runs with a transition, and those with a true warning. */
  positives: number;
  detected: number;
  meanLead: number | null;
  medianLead: number | null;
  /** Mean of lead/T over detected runs. */
  meanLeadFraction: number | null;
  falseAlarmsPerRun: number;
  falsePositiveRate: number;
  aurocWindow: number | null;
  aurocRun: number | null;
}

/**
 * Ranks two scores: more runs detected, then a lower false-positive rate, then a longer mean lead;
 * negative when `a` is the better one.
 */
export function compareScores(
  a: Pick<ObservableScore, "detected" | "falsePositiveRate" | "meanLead">,
  b: Pick<ObservableScore, "detected" | "falsePositiveRate" | "meanLead">,
): number {
  return (
    b.detected - a.detected ||
    (a.falsePositiveRate || 0) - (b.falsePositiveRate || 0) ||
    (b.meanLead ?? 0) - (a.meanLead ?? 0)
  );
}

/** P(score of a positive > score of a negative) + ½ P(tie); null without both classes. */
export function auroc(pos: readonly number[], neg: readonly number[]): number | null {
  if (pos.length === 0 || neg.length === 0) return null;
  const all = [...pos.map((v) => ({ v, p: 1 })), ...neg.map((v) => ({ v, p: 0 }))].sort((a, b) => a.v - b.v);
  // Mann–Whitney U from mid-ranks.
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const mid = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k].p) rankSum += mid;
    i = j;
  }
  const u = rankSum - (pos.length * (pos.length + 1)) / 2;
  return u / (pos.length * neg.length);
}

const median = (a: number[]) => {
  if (!a.length) return null;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : null);

interface Source {
  observable: string;
  source: string;
  kind: MonitorKind;
  /** Warning steps per run (alarms or announcements). */
  warnings: Map<string, number[]>;
  /** Statistic traces per run (detectors only). */
  stats: Map<string, { steps: number[]; values: number[] }>;
  forecast: boolean;
}

export function scoreRuns(runs: readonly ScoredRun[], o: ScoreOptions): ObservableScore[] {
  const baselines = o.baselines ?? BASELINES;
  const sources = new Map<string, Source>();
  const get = (observable: string, source: string, kind: MonitorKind, forecast: boolean): Source => {
    const id = `${observable}:${source}`;
    let s = sources.get(id);
    if (!s) sources.set(id, (s = { observable, source, kind, warnings: new Map(), stats: new Map(), forecast }));
    return s;
  };
  for (const r of runs) {
    const e = r.engine;
    for (const [id, st] of e.statistics) {
      const [observable, det] = splitId(id);
      get(observable, det, e.kinds[observable], false).stats.set(r.run, st);
    }
    for (const c of e.changePoints) {
      const s = get(c.observable, c.detector, e.kinds[c.observable], false);
      s.warnings.set(r.run, [...(s.warnings.get(r.run) ?? []), c.step]);
    }
    for (const [id, list] of e.history) {
      const [method, observable] = splitId(id);
      const s = get(observable, method, e.kinds[observable] ?? "quotient", true);
      s.warnings.set(
        r.run,
        list.map((a) => a.madeAt),
      );
    }
  }
  const positives = runs.filter((r) => r.transitionStep !== null);
  const cutoffOthers = median(positives.map((r) => r.transitionStep as number));
  const out: ObservableScore[] = [];
  for (const s of sources.values()) {
    const leads: number[] = [];
    const fractions: number[] = [];
    let falseAlarms = 0;
    let runsWithFalse = 0;
    const winPos: number[] = [];
    const winNeg: number[] = [];
    const runPos: number[] = [];
    const runNeg: number[] = [];
    for (const r of runs) {
      const T = r.transitionStep;
      const ws = (s.warnings.get(r.run) ?? []).filter((w) => w >= o.warmup);
      const early = T === null ? ws : ws.filter((w) => w < T - o.horizon);
      if (!s.forecast) {
        falseAlarms += early.length;
        if (early.length) runsWithFalse++;
      }
      if (T !== null) {
        const hit = ws.find((w) => w >= T - o.horizon && w <= T);
        if (hit !== undefined) {
          leads.push(T - hit);
          if (T > 0) fractions.push((T - hit) / T);
        }
      }
      const st = s.stats.get(r.run);
      if (!st) continue;
      const cutoff = T ?? cutoffOthers ?? Infinity;
      let best = -Infinity;
      st.steps.forEach((step, i) => {
        if (step < o.warmup) return;
        const v = st.values[i];
        if (step <= cutoff) best = Math.max(best, v);
        if (T === null) winNeg.push(v);
        else if (step <= T) (step >= T - o.horizon ? winPos : winNeg).push(v);
      });
      if (best > -Infinity) (T === null ? runNeg : runPos).push(best);
    }
    out.push({
      observable: s.observable,
      kind: s.kind,
      source: s.source,
      baseline: baselines.includes(s.observable),
      runs: runs.length,
      positives: positives.length,
      detected: leads.length,
      meanLead: mean(leads),
      medianLead: median(leads),
      meanLeadFraction: mean(fractions),
      falseAlarmsPerRun: s.forecast ? NaN : falseAlarms / Math.max(1, runs.length),
      falsePositiveRate: s.forecast ? NaN : runsWithFalse / Math.max(1, runs.length),
      aurocWindow: auroc(winPos, winNeg),
      aurocRun: auroc(runPos, runNeg),
    });
  }
  return out.sort((a, b) => a.observable.localeCompare(b.observable) || a.source.localeCompare(b.source));
}

function splitId(id: string): [string, string] {
  const i = id.lastIndexOf(":");
  return [id.slice(0, i), id.slice(i + 1)];
}
