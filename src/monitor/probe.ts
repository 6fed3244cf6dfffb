/**
 * `ObservableProbe` measures a chosen set of the monitor's observables (observables.ts) at
 * successive parameters (docs/monitor.md §observables). Hessian work is warm-started: each Lanczos
 * run starts from the sum of the previous call's extreme Ritz vectors (raw and quotient
 * separately), which already carry most of the extreme eigendirections when the parameters moved a
 * little, so few steps suffice.
 */
import type { Tensor } from "../core/tensor.ts";
import { type Key, foldIn, split } from "../core/random.ts";
import { type Tree, ravel } from "../core/tree.ts";
import { type LossName, type Model, type ModelConfig, lossFn, modelOf } from "../nn/index.ts";
import { groupOf } from "../nn/index.ts";
import type { SymmetryGroup } from "../symmetry/index.ts";
import { extremeEigenpairs, hessianOperator, hutchinsonTrace, type Projector } from "../curvature/index.ts";
import { makeContext } from "../diagnostics/context.ts";
import { treeObjective } from "../coarse/objective.ts";
import type { Objective } from "../coarse/types.ts";
import { estimateLlc } from "../diagnostics/llc.ts";
import { shockProximity } from "../diagnostics/shockProximity.ts";
import { gradientFieldAsymmetry } from "./gradientField.ts";
import {
  type Measurement,
  type MonitorKind,
  type MonitorObservable,
  type ProbeContext,
  observableSpec,
} from "./observables.ts";

export interface ProbeOptions {
  cfg: ModelConfig;
  loss: LossName;
  x: Tensor;
  y: Tensor;
  names: readonly string[];
  /** Lanczos steps per spectrum (default 20) and whether to warm-start (default true). */
  hessianSteps?: number;
  warmStart?: boolean;
  /** Hutchinson probes per trace (default 4). */
  traceSamples?: number;
  llc?: { nBeta?: number; gamma?: number; burnIn?: number; samples?: number };
  shockProximity?: { t: number; beta: number; chains?: number; burnIn?: number; samples?: number };
  key: Key;
  group?: SymmetryGroup;
}

/** Measures a set of monitor observables at successive parameters, reusing Lanczos vectors between calls. */
export class ObservableProbe {
  private readonly specs: MonitorObservable[];
  private readonly group: SymmetryGroup;
  private readonly f: (p: Tree) => Tensor;
  private readonly model: Model;
  private warmRaw: Float64Array | null = null;
  private warmQuotient: Float64Array | null = null;
  private refCharges: Record<string, Float64Array> | null = null;

  constructor(readonly o: ProbeOptions) {
    this.specs = o.names.map(observableSpec);
    this.group = o.group ?? groupOf(o.cfg);
    const model = modelOf(o.cfg);
    this.model = model;
    const L = lossFn(o.loss);
    this.f = (p: Tree) => L(model.apply(p, o.x), o.y);
  }

  /** Charges at the start of training: the reference of chargeDrift (default: the first measured parameters). */
  setReference(params: Tree): void {
    this.refCharges = this.chargeArrays(params);
  }

  private chargeArrays(params: Tree): Record<string, Float64Array> {
    return Object.fromEntries(Object.entries(this.group.charges(params)).map(([k, t]) => [k, t.data]));
  }

  measure(params: Tree, step: number, lr: number): Measurement {
    const t0 = performance.now();
    const o = this.o;
    const k = foldIn(o.key, step);
    const [kRaw, kQuo, kTr, kTrQ, kLlc, kShock, kField] = split(k, 7);
    const diag = makeContext({ group: this.group, params, f: this.f });
    const steps = o.hessianSteps ?? 20;
    const warm = o.warmStart ?? true;
    const once = <T>(g: () => T): (() => T) => {
      let done = false;
      let v: T;
      return () => {
        if (!done) {
          v = g();
          done = true;
        }
        return v;
      };
    };
    const spectrum = (at: Tree, key: Key, start: Float64Array | null, project?: Projector) => {
      const r = extremeEigenpairs(hessianOperator(this.f, at), {
        k: 1,
        steps,
        key,
        project,
        vectors: true,
        start: warm && start ? start : undefined,
      });
      const top = r.top.vectors?.[0];
      const bottom = r.bottom.vectors?.[0];
      const next = top && bottom ? Float64Array.from(top, (v, i) => v + bottom[i]) : null;
      return {
        est: { lambdaMax: r.top.values[0] ?? 0, lambdaMin: r.bottom.values[0] ?? 0, steps: r.steps },
        next,
        top: top ?? null,
        bottom: bottom ?? null,
      };
    };
    const rawSpec = once(() => {
      const r = spectrum(params, kRaw, this.warmRaw);
      this.warmRaw = r.next;
      return r;
    });
    const quoSpec = once(() => {
      const r = spectrum(diag.canonical().params, kQuo, this.warmQuotient, diag.projector().projectFlat);
      this.warmQuotient = r.next;
      return r;
    });
    const objective = once((): Objective => treeObjective(this.f, params));
    const charges = once(() => this.chargeArrays(params));
    const p: ProbeContext = {
      diag,
      lr,
      raw: () => rawSpec().est,
      quotient: () => quoSpec().est,
      rawTrace: once(
        () => hutchinsonTrace(hessianOperator(this.f, params), { samples: o.traceSamples ?? 4, key: kTr }).estimate,
      ),
      quotientTrace: once(
        () =>
          hutchinsonTrace(hessianOperator(this.f, diag.canonical().params), {
            samples: o.traceSamples ?? 4,
            key: kTrQ,
            project: diag.projector().projectFlat,
          }).estimate,
      ),
      llc: once(() => estimateLlc(objective(), ravel(params), { n: o.x.shape[0], ...(o.llc ?? {}), key: kLlc }).llc),
      shockProximity: once(() => {
        const sp = o.shockProximity;
        if (!sp) throw new Error("the shockProximity observable needs monitor.shockProximity settings (t, beta)");
        const c = diag.canonical().params;
        const d = quoSpec().bottom;
        if (!d) return NaN;
        return shockProximity(treeObjective(this.f, c), ravel(c), d, { ...sp, key: kShock }).bimodality;
      }),
      gradientField: once(() => {
        const q = quoSpec();
        if (!q.top || !q.bottom || q.top === q.bottom) return null;
        const field = { model: this.model, group: this.group, x: o.x, y: o.y, loss: o.loss };
        return gradientFieldAsymmetry(field, diag.canonical().params, [q.top, q.bottom], lr, kField);
      }),
      charges,
      referenceCharges: () => (this.refCharges ??= charges()),
    };
    const values: Record<string, number> = {};
    const kinds: Record<string, MonitorKind> = {};
    const positive: Record<string, boolean> = {};
    for (const s of this.specs) {
      const v = s.compute(p);
      const put = (name: string, x: number) => {
        values[name] = x;
        kinds[name] = s.kind;
        positive[name] = s.positive;
      };
      if (typeof v === "number") put(s.name, v);
      else for (const [c, x] of Object.entries(v)) put(`${s.name}.${c}`, x);
    }
    return { values, kinds, positive, seconds: (performance.now() - t0) / 1000 };
  }
}
