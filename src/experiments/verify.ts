/**
 * `shocklens verify`: the falsification harness of the paper's claims on a small trained network of
 * one family (docs/gradient-field.md §verify). It assembles the PDE checks (HJ and Burgers residual
 * orders, two local-entropy estimators, shock forecast vs observed crossing, raw vs quotient t*)
 * and the gradient-field checks, and states claim by claim what held and what failed.
 *
 * The contract keys (`hj`, `burgers`, `shock`, `gradientField.{asymmetry, circulation, etaExponent}`,
 * `verdict`) report the induced-metric coordinates, the metric in which gradient flow on the
 * quotient is a gradient flow; every coordinate system is reported in `gradientField.coordinates`.
 */
import { foldIn, key as keyOf } from "../core/random.ts";
import { FAMILIES, setupFamily, type Family } from "./families.ts";
import { pdeChecks, type OrderCheck, type PdeChecks, type ShockCheck } from "./verifyPde.ts";
import { DEFAULT_BUDGET, fieldChecks, NON_GRADIENT_THRESHOLD, type FieldChecks } from "./verifyField.ts";

export type ClaimStatus = "held" | "failed" | "conditional" | "supported" | "not supported";

export interface Claim {
  id: string;
  claim: string;
  status: ClaimStatus;
  evidence: string;
}

export interface VerifyResult {
  arch: Family;
  seed: number;
  model: unknown;
  training: { steps: number; lr: number; batchSize: number; lossInitial: number; lossTrained: number };
  slice: { chart: string; curvature: [number, number]; box: number };
  hj: OrderCheck & { nu: number; beta: number; t: number[] };
  burgers: OrderCheck & { nu: number; beta: number; t: number[] };
  entropy: PdeChecks["crossCheck"] & { tableNodes: number };
  shock: ShockCheck;
  gradientField: {
    metric: string;
    asymmetry: number;
    circulation: { mean: number; stderr: number; p: number };
    etaExponent: number;
    nonGradientFraction: number;
    threshold: number;
    coordinates: FieldChecks;
  };
  claims: Claim[];
  verdict: string;
  seconds: number;
}

/** |order − 2| below this counts as second order (pure truncation error). */
const ORDER_TOL = 0.2;
/** Forecast and observed shock times within this relative difference count as agreeing. */
const SHOCK_TOL = 0.25;
const ALPHA = 0.05;

/** Three significant digits, and a p-value as the claim tables print them. */
export const g3 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
export const pfmt = (p: number) => (p < 1e-3 ? p.toExponential(1) : p.toFixed(3));

export function runVerify(arch: Family, seed: number): VerifyResult {
  const started = performance.now();
  // Independent streams per family for the same seed.
  const root = foldIn(keyOf(seed), FAMILIES.indexOf(arch));
  const setup = setupFamily(arch, seed);
  const box = 1;
  const pde = pdeChecks(setup, { beta: 20, t: [0.1, 0.14], hs: [0.02, 0.01, 0.005], box, key: foldIn(root, 11) });
  const field = fieldChecks(setup, foldIn(root, 12), DEFAULT_BUDGET);
  const claims = judge(pde, field);
  const metricCirc = field.circulation["quotient-metric-excess"];
  return {
    arch,
    seed,
    model: setup.config,
    training: {
      steps: setup.steps,
      lr: setup.training.optimizer.lr,
      batchSize: setup.training.batchSize,
      lossInitial: setup.lossInitial,
      lossTrained: setup.lossTrained,
    },
    slice: { chart: setup.chart.description, curvature: setup.curvature, box },
    hj: { ...pde.hj, nu: pde.nu, beta: pde.beta, t: pde.t },
    burgers: { ...pde.burgers, nu: pde.nu, beta: pde.beta, t: pde.t },
    entropy: { ...pde.crossCheck, tableNodes: pde.tableNodes },
    shock: pde.shock,
    gradientField: {
      metric: field.metrics["quotient-metric"],
      asymmetry: field.asymmetry["quotient-metric"].value,
      circulation: { mean: metricCirc.mean, stderr: metricCirc.stderr, p: metricCirc.p },
      etaExponent: field.etaScaling["quotient-metric-excess"].exponent,
      nonGradientFraction: field.nonGradientFraction,
      threshold: NON_GRADIENT_THRESHOLD,
      coordinates: field,
    },
    claims,
    verdict: verdictSentence(arch, seed, claims, pde, field),
    seconds: (performance.now() - started) / 1000,
  };
}

function judge(pde: PdeChecks, f: FieldChecks): Claim[] {
  const second = (o: OrderCheck) => Math.abs(o.order - 2) < ORDER_TOL;
  const eu = f.circulation["quotient-euclidean"];
  const ex = f.circulation["quotient-metric-excess"];
  const exScale = f.etaScaling["quotient-metric-excess"];
  const euScale = f.etaScaling["quotient-euclidean"];
  const supported = f.nonGradientFraction < f.threshold;
  const s = pde.shock;
  const rel = Math.abs(s.observed - s.predicted) / s.predicted;
  const shockHeld = Number.isFinite(s.predicted) && rel < SHOCK_TOL;
  const [qa, qb] = s.gauge.quotientTStar;
  const [ra, rb] = s.gauge.rawTStar;
  const claims: Claim[] = [
    {
      id: "hj",
      claim: "the local entropy of the quotient loss solves the viscous HJ equation u_t + ½|∇u|² = νΔu",
      status: second(pde.hj) ? "held" : "failed",
      evidence:
        `residual ${g3(pde.hj.residual)} at h = ${Math.min(...pde.hj.h)}, observed order ${g3(pde.hj.order)} ` +
        `(pure truncation error ⇔ 2); u cross-checked by importance sampling (z = ${g3(pde.crossCheck.z)})`,
    },
    {
      id: "burgers-pde",
      claim: "p = ∇u solves the viscous Burgers equation p_t + (p·∇)p = νΔp",
      status: second(pde.burgers) ? "held" : "failed",
      evidence: `residual ${g3(pde.burgers.residual)}, observed order ${g3(pde.burgers.order)}`,
    },
    {
      id: "assumption-euclidean",
      claim: "SGD's drift on the quotient is a gradient field in Euclidean invariant coordinates",
      status: eu.p < ALPHA ? "failed" : "held",
      evidence:
        `asymmetry ${g3(f.asymmetry["quotient-euclidean"].value)}, circulation ${g3(eu.mean)} ± ${g3(eu.stderr)} ` +
        `(p = ${pfmt(eu.p)}), η-exponent ${g3(euScale.exponent)} ` +
        `(${euScale.order}${euScale.order === "O(1)" ? ": the wrong metric" : ""})`,
    },
    {
      id: "assumption-metric",
      claim: "SGD's drift on the quotient is a gradient field in the metric gradient flow induces",
      status: ex.p >= ALPHA ? "held" : exScale.order === "O(η)" ? "conditional" : "failed",
      evidence:
        (ex.p < ALPHA
          ? `a curl is detected (circulation ${g3(ex.mean)} ± ${g3(ex.stderr)}, p = ${pfmt(ex.p)}) and scales like ` +
            `η^${g3(exScale.exponent)} (${exScale.order}): ` +
            (exScale.order === "O(η)" ? "holds only as η → 0" : "does not vanish with η")
          : `no curl detected (circulation ${g3(ex.mean)} ± ${g3(ex.stderr)}, p = ${pfmt(ex.p)})`) +
        `; non-gradient fraction ${g3(f.nonGradientFraction)} at η = ${f.eta}, batch ${f.batchSize}`,
    },
    {
      id: "burgers-sgd",
      claim:
        `SGD's coarse-grained quotient dynamics obey Burgers (needs the drift to be a gradient field: non-gradient ` +
        `fraction < ${f.threshold})`,
      status: supported && second(pde.burgers) ? "supported" : "not supported",
      evidence:
        `non-gradient fraction ${g3(f.nonGradientFraction)} ${supported ? "<" : "≥"} ${f.threshold} (induced ` +
        `metric, η = ${f.eta}); Euclidean-coordinate fraction ${g3(f.nonGradientFractionEuclidean)}`,
    },
    {
      id: "shock",
      claim: "shocks form at the quotient-curvature time t* = 1/sup(−λ_min ∇²ℓ)",
      status: shockHeld ? "held" : "failed",
      evidence:
        `forecast ${g3(s.predicted)}, characteristics first cross at ${g3(s.observed)} (${g3(100 * rel)} %, grids ${s.grid})` +
        (shockHeld
          ? ""
          : s.observed < s.predicted
            ? ": earlier than the C² forecast — a concave kink (ReLU, max-pool) folds first, where t* → 0"
            : ": later than the forecast — the peak curvature is too narrow for the grid or lies on the box edge"),
    },
    {
      id: "raw-vs-quotient",
      claim: "shock forecasts must use quotient, not raw, curvature",
      status: Math.abs(qa - qb) <= 1e-6 * Math.abs(qa) && Math.abs(ra - rb) > 1e-3 * Math.abs(ra) ? "held" : "failed",
      evidence:
        `a gauge transformation (same loss ${g3(s.gauge.loss[0])}) moves the raw t* ${g3(ra)} → ${g3(rb)}; the ` +
        `quotient t* stays ${g3(qa)} → ${g3(qb)}`,
    },
  ];
  return claims;
}

function verdictSentence(arch: Family, seed: number, claims: Claim[], pde: PdeChecks, f: FieldChecks): string {
  const by = Object.fromEntries(claims.map((c) => [c.id, c.status]));
  const eu = f.circulation["quotient-euclidean"];
  const ex = f.circulation["quotient-metric-excess"];
  const exponent = g3(f.etaScaling["quotient-metric-excess"].exponent);
  const metric =
    by["assumption-metric"] === "held"
      ? `no curl in the induced metric (p = ${pfmt(ex.p)})`
      : `${by["assumption-metric"] === "conditional" ? "an O(η)" : "a non-vanishing"} curl in the induced metric ` +
        `(p = ${pfmt(ex.p)}, η-exponent ${exponent})`;
  return (
    `${arch}, seed ${seed}: HJ ${by.hj} and Burgers ${by["burgers-pde"]} on the quotient slice (orders ${g3(pde.hj.order)}, ` +
    `${g3(pde.burgers.order)}); ` +
    `SGD's drift ${by["assumption-euclidean"] === "failed" ? "is not a gradient field" : "shows no curl"} ` +
    `in Euclidean invariant coordinates (p = ${pfmt(eu.p)}) and has ${metric}; ` +
    `non-gradient fraction ${g3(f.nonGradientFraction)} ${f.nonGradientFraction < f.threshold ? "<" : "≥"} ` +
    `${f.threshold}, so Burgers for SGD is ${by["burgers-sgd"]}; ` +
    `shock time ${by.shock} (forecast ${g3(pde.shock.predicted)}, observed ${g3(pde.shock.observed)}); raw-vs-quotient ` +
    `${by["raw-vs-quotient"]}.`
  );
}
