/**
 * The monitor's bookkeeping, independent of where the measurements come from (a training run's
 * callback, or `shocklens analyze` over checkpoints): every measured series goes through each
 * configured change detector, the trend forecasts and the alerts; evaluations mark the phase
 * transition, and once it is seen every earlier warning gets its lead time (docs/monitor.md
 * §events, §lead-times). Everything it reports is an event { kind, payload } for the run store.
 */
import { Bocpd } from "./bocpd.ts";
import type { MonitorConfig } from "./config.ts";
import { Cusum } from "./cusum.ts";
import type { ChangeDetector } from "./detector.ts";
import { TrendForecaster } from "./forecast.ts";
import { DivergenceAlert, LossSpikeAlert } from "./alerts.ts";
import type { Measurement, MonitorKind } from "./observables.ts";
import { SeriesScaler } from "./scaling.ts";
import { type ChangePoint, ChangeTracker } from "./tracker.ts";
import { BIMODALITY_THRESHOLD } from "../diagnostics/shockProximity.ts";

export interface MonitorEvent {
  kind: string;
  payload: Record<string, unknown>;
}

export type EngineSettings = Pick<MonitorConfig, "detectors" | "forecast" | "alerts" | "transition">;

/** One warning of an observable: a change point (detector) or an announced forecast (method). */
export interface Warning {
  observable: string;
  kind: MonitorKind;
  /** "cusum" | "bocpd" for change points; "trend" | "tStar" | "shockProximity" for forecasts. */
  source: string;
  detectedStep: number;
  forecastStep?: number;
  leadSteps?: number;
}

interface Announcement {
  madeAt: number;
  forecastStep: number;
}

export class MonitorEngine {
  readonly kinds: Record<string, MonitorKind> = {};
  readonly changePoints: (ChangePoint & { observable: string })[] = [];
  transitionStep: number | null = null;
  /** Per "<observable>:<detector>": the detector statistic at every scored observation (for ROC curves). */
  readonly statistics = new Map<string, { steps: number[]; values: number[] }>();
  private readonly trackers = new Map<string, ChangeTracker[]>();
  private readonly trends: { forecaster: TrendForecaster; method: string }[];
  /** Announcements since the level was last reached (for revisions), and all of them per "<method>:<observable>". */
  private readonly pending = new Map<string, Announcement[]>();
  readonly history = new Map<string, Announcement[]>();
  private readonly lossSpike: LossSpikeAlert;
  private readonly divergence: DivergenceAlert;
  private shockAnnounced = false;

  constructor(
    readonly settings: EngineSettings,
    /** Warnings within this many steps before the transition count (and forecasts are announced within it). */
    readonly horizon: number,
  ) {
    const f = settings.forecast;
    this.trends = [
      ...f.trends.map((t) => ({ forecaster: new TrendForecaster(t.observable, t.level, f.window), method: "trend" })),
      { forecaster: new TrendForecaster("tStar", 0, f.window), method: "tStar" },
    ];
    this.lossSpike = new LossSpikeAlert(settings.alerts.lossSpikeWindow, settings.alerts.lossSpikeFactor);
    this.divergence = new DivergenceAlert(settings.alerts.sharpnessRatio, settings.alerts.consecutive);
  }

  private detectorsFor(name: string, positive: boolean): ChangeTracker[] {
    let t = this.trackers.get(name);
    if (!t) {
      const d = this.settings.detectors;
      const made: ChangeDetector[] = [];
      if (d.cusum) made.push(new Cusum(d.cusum));
      if (d.bocpd) made.push(new Bocpd(d.bocpd));
      t = made.map(
        (det) =>
          new ChangeTracker(
            det,
            new SeriesScaler({ transform: positive ? "logRate" : "rate", reference: d.reference, window: d.window }),
          ),
      );
      this.trackers.set(name, t);
    }
    return t;
  }

  /** One measurement at `step`: change points, forecasts and alerts. */
  observe(step: number, m: Measurement): MonitorEvent[] {
    const events: MonitorEvent[] = [];
    for (const [name, value] of Object.entries(m.values)) {
      this.kinds[name] = m.kinds[name];
      for (const tr of this.detectorsFor(name, m.positive[name])) {
        const r = tr.push(step, value);
        if (r.statistic !== null) {
          const id = `${name}:${tr.detector.name}`;
          const st = this.statistics.get(id) ?? { steps: [], values: [] };
          st.steps.push(step);
          st.values.push(r.statistic);
          this.statistics.set(id, st);
        }
        if (!r.alarm || step < this.settings.detectors.warmup) continue;
        this.changePoints.push({ ...r.alarm, observable: name });
        events.push({
          kind: "change_point",
          payload: {
            observable: name,
            kind: m.kinds[name],
            detector: r.alarm.detector,
            direction: r.alarm.direction,
            changeStep: r.alarm.changeStep,
            detectedStep: step,
          },
        });
      }
    }
    for (const { forecaster: f, method } of this.trends) {
      const v = m.values[f.series];
      if (v === undefined) continue;
      const id = `${method}:${f.series}`;
      const s = f.push(step, v);
      const list = this.pending.get(id) ?? [];
      if (s.status === "forecast" && s.forecastStep - step <= this.horizon) {
        const last = list[list.length - 1];
        // Announce a new forecast, or a revision by more than a quarter of the remaining time.
        if (!last || Math.abs(s.forecastStep - last.forecastStep) > 0.25 * Math.max(1, last.forecastStep - step)) {
          const a = { madeAt: step, forecastStep: s.forecastStep };
          list.push(a);
          this.pending.set(id, list);
          this.history.set(id, [...(this.history.get(id) ?? []), a]);
          events.push({
            kind: "forecast",
            payload: {
              observable: f.series,
              method,
              level: f.level,
              forecastStep: Math.round(s.forecastStep),
              madeAt: step,
            },
          });
        }
      } else if (s.status === "reached") {
        const first = list[0];
        events.push({
          kind: "level_reached",
          payload: {
            observable: f.series,
            method,
            level: f.level,
            step,
            ...(first
              ? {
                  announcedAt: first.madeAt,
                  leadSteps: step - first.madeAt,
                  errorSteps: Math.round(list[list.length - 1].forecastStep - step),
                }
              : {}),
          },
        });
        this.pending.delete(id);
      }
    }
    const bc = m.values.shockProximity;
    if (bc !== undefined && bc > BIMODALITY_THRESHOLD && !this.shockAnnounced) {
      this.shockAnnounced = true;
      this.history.set("shockProximity:shockProximity", [{ madeAt: step, forecastStep: step }]);
      events.push({
        kind: "forecast",
        payload: { observable: "shockProximity", method: "shockProximity", bimodality: bc, madeAt: step },
      });
    }
    const a = this.divergence.push(m.values);
    if (a) events.push(a);
    return events;
  }

  /** The training loss of one step (loss-spike alert). */
  stepLoss(step: number, loss: number): MonitorEvent[] {
    const a = this.lossSpike.push(step, loss);
    return a ? [{ ...a, payload: { ...a.payload, step } }] : [];
  }

  /** An evaluation: the first crossing of the transition metric is the phase transition; warnings get lead times. */
  evaluation(step: number, metrics: Record<string, number>): MonitorEvent[] {
    const t = this.settings.transition;
    if (!t || this.transitionStep !== null) return [];
    const v = metrics[t.metric];
    if (v === undefined || !(t.above !== undefined ? v >= t.above : v <= (t.below as number))) return [];
    this.transitionStep = step;
    const events: MonitorEvent[] = [
      {
        kind: "phase_transition",
        payload: {
          metric: t.metric,
          value: v,
          ...(t.above !== undefined ? { above: t.above } : { below: t.below }),
          step,
        },
      },
    ];
    for (const w of this.warnings())
      if (w.leadSteps !== undefined) events.push({ kind: "lead_time", payload: { ...w } });
    return events;
  }

  /**
   * The first warning per observable and source: with a transition T, the first at or after
   * T − horizon and at most T (with its lead T − step); without one, the first of the run.
   */
  warnings(): Warning[] {
    const T = this.transitionStep;
    const inWindow = (s: number) => T === null || (s >= T - this.horizon && s <= T);
    const out: Warning[] = [];
    const seen = new Set<string>();
    for (const c of this.changePoints) {
      const id = `${c.observable}:${c.detector}`;
      if (seen.has(id) || !inWindow(c.step)) continue;
      seen.add(id);
      out.push({
        observable: c.observable,
        kind: this.kinds[c.observable],
        source: c.detector,
        detectedStep: c.step,
        ...(T !== null ? { leadSteps: T - c.step } : {}),
      });
    }
    for (const [id, list] of this.history) {
      const [method, observable] = id.split(":");
      const a = list.find((x) => inWindow(x.madeAt));
      if (!a) continue;
      out.push({
        observable,
        kind: this.kinds[observable] ?? "quotient",
        source: method,
        detectedStep: a.madeAt,
        forecastStep: Math.round(a.forecastStep),
        ...(T !== null ? { leadSteps: T - a.madeAt } : {}),
      });
    }
    return out;
  }
}
