/** Minimal canvas plots for the Explore page (redrawn on every slider move, so no library overhead). */
import type { CharacteristicLine } from "../../pde/diagram.ts";

interface Line {
  y: ArrayLike<number>;
  color: string;
  label: string;
  dash?: boolean;
}

const M = { l: 50, r: 12, t: 22, b: 28 };

function extent(arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++)
      if (Number.isFinite(a[i])) {
        lo = Math.min(lo, a[i]);
        hi = Math.max(hi, a[i]);
      }
  if (!(hi > lo)) return [lo - 1, lo + 1];
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** A cleared canvas with its 2-D context and size. */
function blank(c: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; W: number; H: number } {
  const ctx = c.getContext("2d")!;
  ctx.clearRect(0, 0, c.width, c.height);
  return { ctx, W: c.width, H: c.height };
}

/** Data → pixel maps of the plot area. */
function scales(W: number, H: number, xr: [number, number], yr: [number, number]) {
  return {
    sx: (v: number) => M.l + ((v - xr[0]) / (xr[1] - xr[0])) * (W - M.l - M.r),
    sy: (v: number) => H - M.b - ((v - yr[0]) / (yr[1] - yr[0])) * (H - M.t - M.b),
  };
}

const fmt = (v: number) => Number(v.toPrecision(3)).toString();

function axes(
  ctx: CanvasRenderingContext2D,
  W: number,
  H: number,
  xr: [number, number],
  yr: [number, number],
  yLabel: string,
): void {
  ctx.strokeStyle = "#000";
  ctx.strokeRect(M.l, M.t, W - M.l - M.r, H - M.t - M.b);
  ctx.fillStyle = "#000";
  ctx.font = "11px sans-serif";
  for (let k = 0; k <= 4; k++) {
    const xv = xr[0] + (k / 4) * (xr[1] - xr[0]);
    const yv = yr[0] + (k / 4) * (yr[1] - yr[0]);
    ctx.fillText(fmt(xv), M.l + (k / 4) * (W - M.l - M.r) - 10, H - 10);
    ctx.fillText(fmt(yv), 4, H - M.b - (k / 4) * (H - M.t - M.b) + 4);
  }
  ctx.fillText(yLabel, M.l, 14);
}

export function linePlot(
  c: HTMLCanvasElement,
  x: ArrayLike<number>,
  lines: Line[],
  yLabel: string,
  vlines: number[] = [],
): void {
  const { ctx, W, H } = blank(c);
  const xr: [number, number] = [x[0], x[x.length - 1]];
  const yr = extent(lines.map((l) => l.y));
  const { sx, sy } = scales(W, H, xr, yr);
  axes(ctx, W, H, xr, yr, yLabel);
  lines.forEach((l, k) => {
    ctx.strokeStyle = l.color;
    ctx.setLineDash(l.dash ? [5, 4] : []);
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(l.y[i])) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(sx(x[i]), sy(l.y[i]));
      else ctx.moveTo(sx(x[i]), sy(l.y[i]));
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = l.color;
    ctx.fillText(l.label, W - M.r - 110, M.t + 14 + 14 * k);
  });
  ctx.strokeStyle = "#d62728";
  ctx.setLineDash([2, 3]);
  for (const v of vlines) {
    ctx.beginPath();
    ctx.moveTo(sx(v), M.t);
    ctx.lineTo(sx(v), H - M.b);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** Diverging blue–white–red colour for v ∈ [−1, 1]. */
function diverging(v: number): string {
  const a = Math.max(-1, Math.min(1, v));
  const r = a < 0 ? Math.round(255 * (1 + a)) : 255;
  const b = a > 0 ? Math.round(255 * (1 - a)) : 255;
  const g = Math.round(255 * (1 - Math.abs(a)));
  return `rgb(${r},${g},${b})`;
}

export function heatmap(
  c: HTMLCanvasElement,
  x: ArrayLike<number>,
  ys: number[],
  rows: ArrayLike<number>[],
  o: { chars?: CharacteristicLine[]; tLine?: number; shocks?: [number, number][]; title?: string } = {},
): void {
  const { ctx, W, H } = blank(c);
  const xr: [number, number] = [x[0], x[x.length - 1]];
  const yr: [number, number] = [o.chars ? 0 : ys[0], ys[ys.length - 1]];
  let amax = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows)
    for (let i = 0; i < r.length; i++)
      if (Number.isFinite(r[i])) {
        amax = Math.max(amax, Math.abs(r[i]));
        lo = Math.min(lo, r[i]);
        hi = Math.max(hi, r[i]);
      }
  const centred = lo < 0 && hi > 0;
  const pw = (W - M.l - M.r) / x.length;
  const ph = (H - M.t - M.b) / rows.length;
  rows.forEach((r, j) => {
    for (let i = 0; i < r.length; i++) {
      const v = centred ? r[i] / (amax || 1) : (2 * (r[i] - lo)) / (hi - lo || 1) - 1;
      ctx.fillStyle = diverging(v);
      ctx.fillRect(M.l + i * pw, H - M.b - (j + 1) * ph, pw + 0.6, ph + 0.6);
    }
  });
  axes(ctx, W, H, xr, yr, o.title ?? "x–t: colour p, lines characteristics, dots shock");
  const { sx, sy } = scales(W, H, xr, yr);
  ctx.save();
  ctx.beginPath();
  ctx.rect(M.l, M.t, W - M.l - M.r, H - M.t - M.b);
  ctx.clip();
  ctx.strokeStyle = "rgba(0,0,0,0.7)";
  ctx.lineWidth = 0.8;
  for (const l of o.chars ?? []) {
    ctx.beginPath();
    l.t.forEach((t, k) => (k ? ctx.lineTo(sx(l.x[k]), sy(t)) : ctx.moveTo(sx(l.x[k]), sy(t))));
    ctx.stroke();
  }
  ctx.fillStyle = "gold";
  for (const [sxv, t] of o.shocks ?? []) ctx.fillRect(sx(sxv) - 1.5, sy(t) - 1.5, 3, 3);
  if (o.tLine !== undefined) {
    ctx.strokeStyle = "#000";
    ctx.setLineDash([6, 3]);
    ctx.beginPath();
    ctx.moveTo(M.l, sy(o.tLine));
    ctx.lineTo(W - M.r, sy(o.tLine));
    ctx.stroke();
  }
  ctx.restore();
}
