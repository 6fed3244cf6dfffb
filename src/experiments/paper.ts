/**
 * `shocklens paper`: the paper's claims checked one by one, as a referee would (docs/gradient-field.md
 * §paper). Each claim gets a verdict — held, failed, holds only under a stated condition, or awaits
 * (what this build cannot yet test) — the numbers behind it and the command that reproduces them.
 * The evidence: `verify` on the four families, the one-neuron closed forms, the calibration of the
 * tests, a small grokking family trained with the monitor (the monitoring claim), and (optionally)
 * the non-gradient fraction of real small networks.
 */
import { key as keyOf, foldIn } from "../core/random.ts";
import { calibrate, type Calibration } from "../gradientfield/calibrate.ts";
import { FAMILIES, type Family } from "./families.ts";
import { pfmt, runVerify, type VerifyResult } from "./verify.ts";
import { neuronEvidence, type NeuronEvidence } from "./neuronEvidence.ts";
import { nonGradientTable, type NonGradientRow } from "./nongradient.ts";
import { NON_GRADIENT_THRESHOLD } from "./verifyField.ts";
import { beats, monitorEvidence, type Best, type MonitorEvidence } from "./monitorEvidence.ts";
import { compareScores } from "../monitor/score.ts";
import type { RunStore } from "../store/types.ts";

export type Verdict = "held" | "failed" | "holds under a condition" | "awaits";

export interface PaperClaim {
  id: string;
  title: string;
  /** What the paper asserts. */
  statement: string;
  verdict: Verdict;
  /** The condition under which it holds (for "holds under a condition"). */
  condition?: string;
  /** The referee's assessment in a few sentences. */
  assessment: string;
  /** Label → value rows. */
  numbers: [string, string][];
  command: string;
  figures: string[];
}

export interface PaperResult {
  seed: number;
  families: Family[];
  threshold: number;
  claims: PaperClaim[];
  verify: VerifyResult[];
  neuron: NeuronEvidence;
  calibration: Calibration[];
  networks: NonGradientRow[] | null;
  /** The monitored grokking family (null when not requested). */
  monitor: MonitorEvidence | null;
  seconds: number;
}

export interface PaperOptions {
  seed?: number;
  families?: Family[];
  /** Repetitions of the calibration (default 200). */
  calibrationReps?: number;
  /** Also measure the real small networks (MNIST MLP, CNN, transformer) against η, batch, replacement. */
  networks?: boolean;
  /** Train the monitored grokking family into this store (`seeds` seeds, each with a control). */
  monitor?: { store: RunStore; seeds: number };
  progress?: (msg: string) => void;
}

const g3 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : v > 0 ? "∞" : String(v));

export async function runPaper(o: PaperOptions = {}): Promise<PaperResult> {
  const started = performance.now();
  const seed = o.seed ?? 0;
  const families = o.families ?? [...FAMILIES];
  const say = o.progress ?? (() => {});
  const verify = families.map((f) => {
    say(`verify --arch ${f} --seed ${seed}`);
    return runVerify(f, seed);
  });
  say("one-neuron closed forms");
  const neuron = neuronEvidence();
  say("calibration of the tests");
  const calibration = calibrate({ reps: o.calibrationReps ?? 200, key: foldIn(keyOf(seed), 0xca1) });
  let networks: NonGradientRow[] | null = null;
  if (o.networks) {
    say("non-gradient fraction of real small networks");
    networks = nonGradientTable({ seed, progress: say });
  }
  let monitor: MonitorEvidence | null = null;
  if (o.monitor) {
    say(`monitored grokking family (${o.monitor.seeds} seed${o.monitor.seeds === 1 ? "" : "s"} and controls)`);
    monitor = await monitorEvidence(o.monitor.store, { seeds: o.monitor.seeds, log: (l) => say(`  ${l}`) });
  }
  const claims = [
    hjClaim(verify, seed),
    burgersClaim(verify, seed),
    assumptionClaim(verify, neuron, seed),
    burgersSgdClaim(verify, seed),
    shockClaim(verify, neuron, seed),
    familiesClaim(verify, seed),
    monitorClaim(verify, seed, monitor),
  ];
  return {
    seed,
    families,
    threshold: NON_GRADIENT_THRESHOLD,
    claims,
    verify,
    neuron,
    calibration,
    networks,
    monitor,
    seconds: (performance.now() - started) / 1000,
  };
}

const claimOf = (v: VerifyResult, id: string) => v.claims.find((c) => c.id === id)!;
const cmd = (seed: number) => `shocklens verify --arch <family> --seed ${seed} --json`;

function hjClaim(vs: VerifyResult[], seed: number): PaperClaim {
  const ok = vs.every((v) => claimOf(v, "hj").status === "held");
  return {
    id: "hj",
    title: "Hamilton–Jacobi on the quotient",
    statement:
      "The local entropy u of the symmetry-reduced loss solves the viscous HJ equation u_t + ½|∇u|² = νΔu, ν = 1/(2β).",
    verdict: ok ? "held" : "failed",
    assessment: ok
      ? "On a 2-D quotient slice of every family the residual of the computed local entropy falls like h² — pure " +
        "truncation error — with the normalisation (2πt/β)^(−n/2) included. By Cole–Hopf this holds for any loss, " +
        "so it is a consistency check of the coarse-graining, not evidence about training; note also that t is " +
        "the smoothing scale, not training time (docs/theory.md §W1)."
      : "The residual does not fall at second order on every family: the coarse-graining is not an exact HJ solution there.",
    numbers: vs.map((v) => [
      v.arch,
      `residual ${g3(v.hj.residual)} at h = ${Math.min(...v.hj.h)}, order ${g3(v.hj.order)}; u cross-check z = ${g3(v.entropy.z)}`,
    ]),
    command: cmd(seed),
    figures: [],
  };
}

function burgersClaim(vs: VerifyResult[], seed: number): PaperClaim {
  const ok = vs.every((v) => claimOf(v, "burgers-pde").status === "held");
  return {
    id: "burgers",
    title: "Burgers for p = ∇u",
    statement: "The gradient p = ∇u of the coarse-grained quotient loss solves p_t + (p·∇)p = νΔp.",
    verdict: ok ? "held" : "failed",
    assessment: ok
      ? "Held as mathematics: on every family's quotient slice the Burgers residual of p = ∇u falls like h². " +
        "It is a statement about u, which is a gradient by construction; whether SGD's coarse-grained dynamics " +
        "follow it is the next claim's question."
      : "The Burgers residual of p = ∇u does not fall at second order on every family.",
    numbers: vs.map((v) => [v.arch, `residual ${g3(v.burgers.residual)}, order ${g3(v.burgers.order)}`]),
    command: cmd(seed),
    figures: [],
  };
}

const EXACT_FLOW = "gradient flow is an exact gradient (asymmetry at rounding level for one neuron)";

function assumptionClaim(vs: VerifyResult[], n: NeuronEvidence, seed: number): PaperClaim {
  const euFailed = vs.filter((v) => claimOf(v, "assumption-euclidean").status === "failed").map((v) => v.arch);
  const detected = vs.filter((v) => claimOf(v, "assumption-metric").status !== "held");
  const orderEta = detected.filter(
    (v) => v.gradientField.coordinates.etaScaling["quotient-metric-excess"].order === "O(η)",
  );
  const flowExact = Math.max(...n.charges.map((c) => c.metric)) < 1e-8;
  const verdict: Verdict =
    detected.length === 0 && euFailed.length === 0
      ? "held"
      : detected.length > orderEta.length
        ? "failed"
        : "holds under a condition";
  const list = (xs: string[]) => (xs.length === vs.length ? "every family" : xs.length ? xs.join(", ") : "no family");
  return {
    id: "assumption",
    title: "The assumption: SGD's drift is a gradient field on the quotient",
    statement:
      "After quotienting the symmetries, SGD's mean drift is the gradient of a potential (used, never checked).",
    verdict,
    ...(verdict === "holds under a condition"
      ? {
          condition:
            "only in the metric gradient flow induces on the quotient (M⁻¹, which depends on the conserved charges), " +
            "and only as η → 0: a curl of size O(η) remains",
        }
      : {}),
    assessment:
      `In Euclidean invariant coordinates the calibrated circulation test rejects "gradient field" on ${list(euFailed)}; ` +
      `there the curl does not shrink with η (the wrong metric, not a finite-step effect). ` +
      `In the induced metric ${flowExact ? EXACT_FLOW : "even gradient flow shows a curl"}; ` +
      `SGD at a finite step shows a curl on ${list(detected.map((v) => v.arch))}` +
      (detected.length ? `, scaling like η on ${list(orderEta.map((v) => v.arch))}.` : ".") +
      " One ReLU neuron shows the same in closed form.",
    numbers: [
      [
        "one neuron, Euclidean asymmetry of gradient flow (c = 0.4, 0, −0.5)",
        n.charges.map((c) => g3(c.euclidean)).join(", "),
      ],
      ["one neuron, induced-metric asymmetry of gradient flow", `≤ ${g3(Math.max(...n.charges.map((c) => c.metric)))}`],
      [
        `one neuron, induced-metric asymmetry of mean SGD at η = ${n.eta.etas.join(", ")}`,
        `${n.eta.metric.map(g3).join(", ")} (exponent ${g3(n.eta.metricExponent)})`,
      ],
      [
        `one neuron, circulation at η = ${n.circulation.eta} (K = ${n.circulation.K}, R = ${n.circulation.R})`,
        `Euclidean ${g3(n.circulation.euclidean.mean)} ± ${g3(n.circulation.euclidean.stderr)} ` +
          `(exact ${g3(n.circulation.euclidean.exact)}); ` +
          `induced metric ${g3(n.circulation.metric.mean)} ± ${g3(n.circulation.metric.stderr)} ` +
          `(exact ${g3(n.circulation.metric.exact)}, ` +
          `p = ${pfmt(n.circulation.metric.p)})`,
      ],
      [
        "one neuron, Helmholtz–Hodge non-gradient fraction",
        `Euclidean gradient flow ${g3(n.hodge.euclideanFlow)}; induced-metric gradient flow ${g3(n.hodge.metricFlow)}; ` +
          `induced-metric mean SGD at η = ${n.hodge.eta}: ${g3(n.hodge.metricSgd)}`,
      ],
      ...vs.map((v): [string, string] => {
        const f = v.gradientField.coordinates;
        return [
          v.arch,
          `Euclidean: asymmetry ${g3(f.asymmetry["quotient-euclidean"].value)}, ` +
            `circulation p = ${pfmt(f.circulation["quotient-euclidean"].p)}, ` +
            `exponent ${g3(f.etaScaling["quotient-euclidean"].exponent)}; ` +
            `induced metric: circulation ${g3(v.gradientField.circulation.mean)} ` +
            `± ${g3(v.gradientField.circulation.stderr)} (p = ${pfmt(v.gradientField.circulation.p)}), ` +
            `exponent ${g3(v.gradientField.etaExponent)}, ` +
            `Holm rejections ${f.loops["quotient-metric-excess"].holmRejections}/${f.loops["quotient-metric-excess"].loops}`,
        ];
      }),
    ],
    command: cmd(seed),
    figures: ["eta"],
  };
}

function burgersSgdClaim(vs: VerifyResult[], seed: number): PaperClaim {
  const supported = vs.filter((v) => claimOf(v, "burgers-sgd").status === "supported").map((v) => v.arch);
  const all = supported.length === vs.length;
  const current = vs.filter((v) => v.gradientField.coordinates.area["quotient-euclidean"].reversalP < 0.05);
  const aniso = vs.map((v) => v.gradientField.coordinates.noise.anisotropy);
  return {
    id: "burgers-sgd",
    title: "Burgers under the assumption",
    statement: "SGD's coarse-grained quotient dynamics obey a viscous Burgers equation, with ν = η/(4b).",
    verdict: supported.length === 0 ? "failed" : "holds under a condition",
    condition:
      `the non-gradient fraction of SGD's drift (induced metric, Helmholtz–Hodge on the slice, noise-debiased) ` +
      `is below the threshold ${NON_GRADIENT_THRESHOLD} fixed in advance ` +
      `— ${all ? "met on every family at its training step" : `met on ${supported.join(", ") || "no family"}`}; ` +
      `and, for ν = η/(4b), the minibatch noise must be isotropic in the drift's metric (docs/theory.md §a.4, ` +
      `§a.8)`,
    assessment:
      "Within the stated threshold the drift is a gradient to the precision a PDE description needs; outside " +
      "it, or in Euclidean invariant coordinates, the Burgers description has no footing. " +
      `The temperature identification needs isotropic noise: the minibatch covariance on the slice has eigenvalue ` +
      `ratios ${aniso.map(g3).join(", ")} (1 = isotropic). ` +
      (current.length
        ? `The stochastic area of SGD runs shows a probability current ` +
          `(time-reversal test p < 0.05) on ${current.map((v) => v.arch).join(", ")}.`
        : "The stochastic area of SGD runs on the slice detects no probability current at this run length."),
    numbers: vs.map((v) => {
      const f = v.gradientField.coordinates;
      return [
        v.arch,
        `non-gradient fraction ${g3(v.gradientField.nonGradientFraction)} (${claimOf(v, "burgers-sgd").status}); ` +
          `Euclidean ${g3(f.nonGradientFractionEuclidean)}; noise anisotropy ${g3(f.noise.anisotropy)}; stochastic ` +
          `area p = ${pfmt(f.area["quotient-euclidean"].reversalP)}`,
      ];
    }),
    command: cmd(seed),
    figures: [],
  };
}

function shockClaim(vs: VerifyResult[], n: NeuronEvidence, seed: number): PaperClaim {
  const held = vs.filter((v) => claimOf(v, "shock").status === "held").map((v) => v.arch);
  const gauge = vs.every((v) => claimOf(v, "raw-vs-quotient").status === "held");
  const [, b, c] = n.d9.rawTStar;
  return {
    id: "shock",
    title: "Shock formation and its time",
    statement: "Shocks form at t* = 1/sup(−λ_min ∇²ℓ), a curvature forecast of phase transitions.",
    verdict: held.length === vs.length && gauge ? "held" : held.length > 0 ? "holds under a condition" : "failed",
    condition:
      "the loss is C² where the first characteristics cross (ReLU and max-pool kinks fold earlier, t* → 0 at " +
      "a concave kink), the curvature is the quotient (horizontal) one, and the limit is inviscid (finite β " +
      "gives fronts of width 2/(βΔp), not shocks)",
    assessment:
      `The quotient-curvature forecast matches the first crossing of ` +
      `the characteristics on ${held.length ? held.join(", ") : "no family"}; ` +
      `raw curvature is not a forecast at all: on the orbit of L(w, a) = (aw − 1)² at (2, 1) and (4, 0.5) the ` +
      `raw t* is ${g3(b)} and ${g3(c)} while the quotient t* is ${g3(n.d9.quotientTStar[1])} and ${g3(n.d9.quotientTStar[2])} ` +
      `(ℓ(v) = (v − 1)² is convex), and on the networks a gauge transformation that leaves the loss unchanged ` +
      `moves the raw t* ${gauge ? "while the quotient t* stays put" : "(the quotient t* moved too on some family)"}.`,
    numbers: [
      ...vs.map((v): [string, string] => [
        v.arch,
        `forecast ${g3(v.shock.predicted)}, observed ${g3(v.shock.observed)} (${claimOf(v, "shock").status}); ` +
          `raw t* ${g3(v.shock.gauge.rawTStar[0])} → ${g3(v.shock.gauge.rawTStar[1])} ` +
          `under a gauge, quotient ${g3(v.shock.gauge.quotientTStar[0])} ` +
          `→ ${g3(v.shock.gauge.quotientTStar[1])}`,
      ]),
      ["(aw − 1)²: raw λ_min at (0,0), (2,1), (4,0.5)", n.d9.rawLambdaMin.map((r) => g3(r.value)).join(", ")],
    ],
    command: cmd(seed),
    figures: ["shock"],
  };
}

function familiesClaim(vs: VerifyResult[], seed: number): PaperClaim {
  const ids = vs[0]?.claims.map((c) => c.id) ?? [];
  const uniform = ids.filter((id) => new Set(vs.map((v) => claimOf(v, id).status)).size === 1);
  const mixed = ids.filter((id) => !uniform.includes(id));
  const anyFailed = vs.some((v) => v.claims.some((c) => c.status === "failed" || c.status === "not supported"));
  return {
    id: "families",
    title: "The families",
    statement: "The picture holds across MLPs, CNNs, transformers and mean-field networks.",
    verdict: anyFailed ? "holds under a condition" : "held",
    ...(anyFailed
      ? {
          condition:
            "family by family, only the parts marked held or supported below; the gradient-field assumption needs the induced metric",
        }
      : {}),
    assessment:
      (uniform.length
        ? `The same on every family examined (${vs.map((v) => v.arch).join(", ")}): ` +
          `${uniform.map((id) => `${id} ${claimOf(vs[0], id).status}`).join(", ")}.`
        : "") +
      (mixed.length
        ? ` Family-dependent: ${mixed.map((id) => `${id} (${vs.map((v) => `${v.arch} ${claimOf(v, id).status}`).join(", ")})`).join("; ")}.`
        : ""),
    numbers: vs.map((v) => [v.arch, v.claims.map((c) => `${c.id}: ${c.status}`).join("; ")]),
    command: cmd(seed),
    figures: [],
  };
}

const scoreText = (b: Best | null) =>
  b
    ? `${b.observable} (${b.kind}, ${b.source}): ${b.detected}/${b.positives} transitions detected, ` +
      `mean lead ${b.meanLead === null ? "—" : `${g3(b.meanLead)} steps`}, false-positive rate ${g3(b.falsePositiveRate)}` +
      (b.aurocRun === null ? "" : `, run-level AUROC ${g3(b.aurocRun)}`)
    : "none";

function monitorClaim(vs: VerifyResult[], seed: number, m: MonitorEvidence | null): PaperClaim {
  const gauge: [string, string][] = vs.map((v) => [
    `${v.arch}: t* under a gauge transformation`,
    `raw ${g3(v.shock.gauge.rawTStar[0])} → ${g3(v.shock.gauge.rawTStar[1])}; quotient ${g3(v.shock.gauge.quotientTStar[0])} ` +
      `→ ${g3(v.shock.gauge.quotientTStar[1])}`,
  ]);
  const statement =
    "Symmetry-corrected (quotient) observables monitor and forecast training-phase transitions better than raw parameter norms.";
  if (!m)
    return {
      id: "monitors",
      title: "Raw vs quotient observables as monitors",
      statement,
      verdict: "awaits",
      assessment:
        "Not measured in this report (written with --no-monitor). The prerequisite is: quotient observables are " +
        "unchanged by gauge transformations while raw ones move. Without --no-monitor the report trains a monitored " +
        "grokking family and scores raw against quotient observables.",
      numbers: gauge,
      command: `shocklens paper --seed ${seed}`,
      figures: [],
    };
  const withWd = m.runs.filter((r) => r.weightDecay > 0);
  const T = withWd.map((r) => r.transitionStep).filter((t): t is number => t !== null);
  const q = m.bestQuotient;
  // How the best quotient observable fares against one rival: beats, ties or loses to it.
  const against = (b: Best | null, what: string) =>
    !q
      ? `no quotient observable to set against ${what}`
      : !b
        ? `it beats ${what} (not scored on this family)`
        : `it ${beats(q, b) ? "beats" : compareScores(q, b) === 0 ? "only ties" : "loses to"} ${what} (${b.observable})`;
  return {
    id: "monitors",
    title: "Raw vs quotient observables as monitors",
    statement,
    verdict: m.quotientWins ? "held" : "failed",
    assessment:
      `A grokking family trained with the monitor (modulus 29, ${withWd.length} run${withWd.length === 1 ? "" : "s"} ` +
      `with weight decay, ${m.runs.length - withWd.length} control${m.runs.length - withWd.length === 1 ? "" : "s"} ` +
      `without) — ${T.length}/${withWd.length} reach 50 % test accuracy (steps ${T.join(", ") || "—"}). ` +
      `Scored by change points within ${m.horizon} steps before the transition, every alarm elsewhere a false ` +
      `positive: ` +
      `the best quotient observable is ${q ? q.observable : "none"}; ${against(m.bestRaw, "the best raw observable")} ` +
      `and ${against(m.weightNorm, "the weight-norm baseline").replace(/^it /, "")}. ` +
      (m.quotientWins
        ? "The quotient side wins outright on this family."
        : "Quotient observables are gauge-proof (the rows below), not more predictive here.") +
      ` A small family: the full study is \`shocklens experiment grokking\` (docs/experiments.md).`,
    numbers: [
      ...m.runs.map((x): [string, string] => [
        `run ${x.run} (p = ${x.p}, seed ${x.seed}, weight decay ${x.weightDecay})`,
        `transition ${x.transitionStep ?? "—"}, grokked ${x.grokStep ?? "—"}`,
      ]),
      ["best quotient observable", scoreText(q)],
      ["best raw observable", scoreText(m.bestRaw)],
      ["weight norm (baseline)", scoreText(m.weightNorm)],
      ...gauge,
    ],
    command: `shocklens paper --seed ${seed} --monitor-seeds ${withWd.length}`,
    figures: [],
  };
}
