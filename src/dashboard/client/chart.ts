/**
 * A zoomable uPlot chart over server-decimated series. The server keeps each pixel column's min
 * and max (and the first and last point), so the picture at any zoom shows every extreme; after a
 * zoom (drag) the chart asks for the visible step range at full pixel resolution again, and a
 * double click goes back to the whole series. Smoothing (debiased EMA) is computed by the server
 * on the full series. Events are drawn as dashed vertical lines.
 */
import uPlot from "uplot";

export interface Source {
  label: string;
  /** URL of a series endpoint without the view parameters. */
  url: string;
  /** "series": {x, y}; "aggregate": {mean, lo, hi}, drawn as a line with a ±std band. */
  kind: "series" | "aggregate";
}

export interface ChartEvent {
  step: number;
  kind: string;
}

export interface ChartState {
  smooth: number;
  logY: boolean;
}

interface SeriesJson {
  x: number[];
  y: (number | null)[];
  points?: number;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/** Statistics the tests (and the curious) can read from window.__shocklens. */
export interface ChartStats {
  title: string;
  loads: number;
  lastLoadMs: number;
  lastRenderMs: number;
  points: number;
  shownMin: number;
  shownMax: number;
  xMin: number;
  xMax: number;
}

export class SeriesChart {
  plot: uPlot | null = null;
  readonly stats: ChartStats;
  private zoom: [number, number] | null = null;
  private pending = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly el: HTMLElement,
    readonly title: string,
    private readonly sources: Source[],
    private readonly state: ChartState,
    private events: ChartEvent[] = [],
  ) {
    this.stats = {
      title,
      loads: 0,
      lastLoadMs: 0,
      lastRenderMs: 0,
      points: 0,
      shownMin: NaN,
      shownMax: NaN,
      xMin: NaN,
      xMax: NaN,
    };
  }

  setEvents(ev: ChartEvent[]): void {
    this.events = ev;
    this.plot?.redraw(false);
  }

  private width(): number {
    return Math.max(300, Math.floor(this.el.clientWidth || 800));
  }

  /** Fetches every source for the current view and redraws. */
  async load(): Promise<void> {
    const ticket = ++this.pending;
    const t0 = performance.now();
    const px = this.width();
    const view = `&px=${px}&smooth=${this.state.smooth}` + (this.zoom ? `&lo=${this.zoom[0]}&hi=${this.zoom[1]}` : "");
    const replies = await Promise.all(this.sources.map((s) => fetch(s.url + view).then((r) => r.json())));
    if (ticket !== this.pending) return; // a newer view was asked for meanwhile
    const tables: uPlot.AlignedData[] = [];
    const names: { label: string; color: string; band?: "lo" | "hi" }[] = [];
    let points = 0;
    replies.forEach((r, k) => {
      const color = COLORS[k % COLORS.length];
      const label = this.sources[k].label;
      if (this.sources[k].kind === "aggregate") {
        for (const part of ["mean", "lo", "hi"] as const) {
          const s = r[part] as SeriesJson;
          tables.push([s.x, s.y] as uPlot.AlignedData);
          points += s.x.length;
          names.push(
            part === "mean"
              ? { label: `${label} (mean)`, color }
              : { label: `${label} ${part === "lo" ? "−" : "+"}std`, color, band: part },
          );
        }
      } else {
        const s = r as SeriesJson;
        if (!Array.isArray(s.x)) throw new Error(`bad reply for ${label}`);
        tables.push([s.x, s.y] as uPlot.AlignedData);
        points += s.x.length;
        names.push({ label, color });
      }
    });
    const data = tables.length ? uPlot.join(tables) : ([[]] as unknown as uPlot.AlignedData);
    this.stats.lastLoadMs = performance.now() - t0;
    const t1 = performance.now();
    this.render(data, names);
    this.stats.lastRenderMs = performance.now() - t1;
    this.stats.loads++;
    this.stats.points = points;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 1; i < data.length; i++)
      for (const v of data[i] as (number | null | undefined)[])
        if (typeof v === "number") {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
    this.stats.shownMin = lo;
    this.stats.shownMax = hi;
    const xs = data[0] as number[];
    this.stats.xMin = xs[0];
    this.stats.xMax = xs[xs.length - 1];
  }

  /** Re-fetches soon (coalesces bursts of live updates). */
  refreshSoon(ms = 300): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, ms);
  }

  /** Shows steps [min, max], fetched at full pixel resolution. */
  zoomTo(min: number, max: number): Promise<void> {
    this.zoom = [min, max];
    return this.load();
  }

  resetZoom(): void {
    this.zoom = null;
    void this.load();
  }

  private render(data: uPlot.AlignedData, names: { label: string; color: string; band?: "lo" | "hi" }[]): void {
    const sameShape =
      this.plot && this.plot.series.length === names.length + 1 && (this.plot.scales.y.distr === 3) === this.state.logY;
    if (this.plot && sameShape) {
      this.plot.setData(data, true);
      if (this.zoom) this.plot.setScale("x", { min: this.zoom[0], max: this.zoom[1] });
      return;
    }
    this.plot?.destroy();
    const bands: uPlot.Band[] = [];
    names.forEach((n, i) => {
      if (n.band === "hi") bands.push({ series: [i + 1, i], fill: n.color + "33" });
    });
    const opts: uPlot.Options = {
      title: this.title,
      width: this.width(),
      height: 260,
      scales: { x: { time: false }, y: { distr: this.state.logY ? 3 : 1 } },
      series: [
        { label: "step" },
        ...names.map((n) => ({
          label: n.label,
          stroke: n.color,
          width: n.band ? 0.5 : 1.5,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      bands,
      // a drag selects a step range; the chart then asks the server for that range (not uPlot's own zoom)
      cursor: {
        drag: { x: true, y: false, setScale: false },
        bind: { dblclick: () => () => (this.resetZoom(), null) },
      },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const min = u.posToVal(u.select.left, "x");
            const max = u.posToVal(u.select.left + u.select.width, "x");
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.zoomTo(min, max);
          },
        ],
        draw: [(u) => this.drawEvents(u)],
      },
    };
    this.plot = new uPlot(opts, data, this.el);
    if (this.zoom) this.plot.setScale("x", { min: this.zoom[0], max: this.zoom[1] });
  }

  private drawEvents(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.setLineDash([4, 4]);
    ctx.strokeStyle = "#777";
    ctx.fillStyle = "#555";
    ctx.font = `${10 * devicePixelRatio}px sans-serif`;
    for (const e of this.events) {
      const x = u.valToPos(e.step, "x", true);
      if (x < left || x > left + width) continue;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillText(e.kind, x + 3, top + 12 * devicePixelRatio);
    }
    ctx.restore();
  }
}
