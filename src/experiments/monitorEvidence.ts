/**
 * The evidence `shocklens paper` weighs for the monitoring claim (docs/gradient-field.md §paper):
 * a small grokking family trained with the monitor into the run store — modulus 29, `seeds` seeds
 * with weight decay (they grok) and the same without (controls that do not) — scored observable by
 * observable as in docs/monitor.md §scoring: runs detected, mean lead before the transition, false-
 * positive rate over all runs. The best quotient observable is compared with the best raw one and
 * with the weight-norm baseline; the claim holds only where the quotient side wins outright.
 */
import { compareScores, type ObservableScore } from "../monitor/score.ts";
import type { RunStore } from "../store/types.ts";
import { runGrokking, type GrokkingRun, type GrokkingSettings } from "./grokking.ts";

/** Modulus 29 for 1 000 steps (controls 600), monitored every 40 steps, no LLC: ≈ 20 s per run. */
export const PAPER_GROKKING: Partial<GrokkingSettings> = {
  moduli: [29],
  steps: { 29: 1000 },
  controlSteps: 600,
  controls: true,
  llc: false,
  hessianSteps: 4,
};

export type Best = Pick<
  ObservableScore,
  "observable" | "kind" | "source" | "detected" | "positives" | "meanLead" | "falsePositiveRate" | "aurocRun"
>;

export interface MonitorEvidence {
  runs: Pick<GrokkingRun, "run" | "p" | "seed" | "weightDecay" | "transitionStep" | "grokStep">[];
  horizon: number;
  bestQuotient: Best | null;
  bestRaw: Best | null;
  weightNorm: Best | null;
  /** Whether the best quotient observable beats both the best raw one and the weight norm. */
  quotientWins: boolean;
  seconds: number;
}

const pick = (x: ObservableScore): Best => ({
  observable: x.observable,
  kind: x.kind,
  source: x.source,
  detected: x.detected,
  positives: x.positives,
  meanLead: x.meanLead,
  falsePositiveRate: x.falsePositiveRate,
  aurocRun: x.aurocRun,
});

/** The best of each side from a family's scores (either detector per observable). */
/** a ranks strictly above b (a missing b loses to any a). */
export const beats = (a: Best | null, b: Best | null): boolean => a !== null && (b === null || compareScores(a, b) < 0);

export function weighScores(scores: readonly ObservableScore[]): Omit<MonitorEvidence, "runs" | "horizon" | "seconds"> {
  const change = scores.filter((s) => s.source === "cusum" || s.source === "bocpd");
  const best = (f: (s: ObservableScore) => boolean) => {
    const c = change.filter(f).map(pick).sort(compareScores)[0];
    return c ?? null;
  };
  const bestQuotient = best((s) => s.kind === "quotient" && !s.baseline);
  const bestRaw = best((s) => s.kind === "raw" && !s.baseline);
  const weightNorm = best((s) => s.observable === "paramNorm");
  return {
    bestQuotient,
    bestRaw,
    weightNorm,
    quotientWins: beats(bestQuotient, bestRaw) && beats(bestQuotient, weightNorm),
  };
}

export async function monitorEvidence(
  store: RunStore,
  o: { seeds: number; log?: (line: string) => void },
): Promise<MonitorEvidence> {
  const started = performance.now();
  const r = await runGrokking({ store, seeds: o.seeds, log: o.log, settings: PAPER_GROKKING });
  const summary = r.summary as { runs: GrokkingRun[]; scores: ObservableScore[]; settings: GrokkingSettings };
  return {
    runs: summary.runs.map((x) => ({
      run: x.run,
      p: x.p,
      seed: x.seed,
      weightDecay: x.weightDecay,
      transitionStep: x.transitionStep,
      grokStep: x.grokStep,
    })),
    horizon: summary.settings.horizon,
    ...weighScores(summary.scores),
    seconds: (performance.now() - started) / 1000,
  };
}
