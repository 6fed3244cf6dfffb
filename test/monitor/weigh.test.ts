/**
 * How `shocklens paper` weighs the monitored family (docs/monitor.md §scoring): scores rank by
 * runs detected, then false-positive rate, then mean lead; the claim holds only where the best
 * quotient observable beats both the best raw one and the weight norm.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareScores, type ObservableScore } from "../../src/monitor/score.ts";
import { weighScores } from "../../src/experiments/monitorEvidence.ts";

function score(o: Partial<ObservableScore> & Pick<ObservableScore, "observable" | "kind" | "source">): ObservableScore {
  return {
    baseline: false,
    runs: 4,
    positives: 2,
    detected: 1,
    meanLead: 50,
    medianLead: 50,
    meanLeadFraction: 0.1,
    falseAlarmsPerRun: 0,
    falsePositiveRate: 0,
    aurocWindow: 0.5,
    aurocRun: 0.5,
    ...o,
  };
}

test("compareScores: detections first, then fewer false positives, then the longer lead", () => {
  const a = { detected: 2, falsePositiveRate: 0.5, meanLead: 10 };
  const b = { detected: 1, falsePositiveRate: 0, meanLead: 300 };
  assert.ok(compareScores(a, b) < 0 && compareScores(b, a) > 0);
  assert.ok(compareScores({ ...b, falsePositiveRate: 0.25 }, { ...b, falsePositiveRate: 0.5 }) < 0);
  assert.ok(compareScores({ ...b, meanLead: 301 }, b) < 0);
  assert.equal(compareScores(b, { ...b }), 0);
  assert.ok(compareScores({ ...b, meanLead: null }, b) > 0, "no lead ranks below any lead");
});

test("weighScores: the quotient side wins only when it beats the best raw observable and the weight norm", () => {
  const scores = [
    score({ observable: "paramNorm", kind: "raw", source: "bocpd", baseline: true, detected: 1, meanLead: 60 }),
    score({ observable: "sharpness", kind: "raw", source: "cusum", detected: 2, falsePositiveRate: 0.5 }),
    score({ observable: "orbitMinSqNorm", kind: "quotient", source: "bocpd", detected: 2, falsePositiveRate: 0.25 }),
    score({ observable: "loss", kind: "quotient", source: "cusum", baseline: true, detected: 2 }),
    // forecasts are not change points: never picked as the best
    score({ observable: "tStar", kind: "quotient", source: "trend", detected: 2, meanLead: 900 }),
  ];
  const w = weighScores(scores);
  assert.equal(w.bestQuotient?.observable, "orbitMinSqNorm", "baselines (the loss) are not the quotient side");
  assert.equal(w.bestRaw?.observable, "sharpness");
  assert.equal(w.weightNorm?.observable, "paramNorm");
  assert.equal(w.quotientWins, true);
  // a tie with the best raw observable is not a win
  const tie = weighScores([...scores.slice(0, 1), scores[2], { ...scores[1], falsePositiveRate: 0.25, meanLead: 50 }]);
  assert.equal(tie.quotientWins, false);
  assert.equal(weighScores(scores.filter((s) => s.kind !== "quotient")).quotientWins, false);
});
