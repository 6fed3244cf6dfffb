/**
 * Writes docs/img/doublewell-shock.svg: the coarse-grained gradient p = ∂ₓu of the double-well loss
 * f = (y² − 1)²/4 from the Cole–Hopf solution at β = 400 (ν = 1/800), at t = 0.5, 0.9, 1 and 1.5,
 * with the forecast t* = 1/sup(−f'') = 1 and birth point x₀ = 0 marked and, at t = 1.5, the
 * predicted jump 2√(1 − 1/t)/t. Run: node --import tsx scripts/pde-figure.ts [out.svg]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { exact, hj, resultShocks, shockTime1d } from "../src/pde/index.ts";
import { linePlot, type Series } from "../src/report/svgplot.ts";

const out = process.argv[2] ?? "docs/img/doublewell-shock.svg";
const beta = 400;
const nu = 1 / (2 * beta);
const domain: [number, number] = [-1.5, 1.5];
const forecast = shockTime1d(exact.doubleWellHess, { min: -3, max: 3, n: 601 }, exact.doubleWellGrad);
const times = [0.5, 0.9, 1, 1.5];
const series: Series[] = [];
for (const t of times) {
  const r = hj({ ic: "doublewell", scheme: "cole-hopf", cells: 600, domain, bc: "outflow", t, nu });
  series.push({ label: `t = ${t}${t === forecast.tStar ? " = t*" : ""}`, x: r.x, y: r.p!, width: t === 1 ? 2.4 : 1.8 });
  if (t === 1.5) {
    const s = resultShocks("hj", r, "outflow")[0];
    process.stderr.write(
      `t=1.5: shock at x=${s?.x.toExponential(2)}, jump ${(s ? s.left - s.right : NaN).toFixed(4)}, ` +
        `exact ${exact.doubleWellJump(1.5).toFixed(4)}\n`,
    );
  }
}
const jump = exact.doubleWellJump(1.5);
const svg = linePlot({
  title: "Shock in the coarse-grained gradient p = ∂ₓu of f = (y²−1)²/4 (Cole–Hopf, β = 400)",
  xLabel: "x",
  yLabel: "p(x, t) = ∂ₓu",
  series,
  xRange: domain,
  yRange: [-1.2, 1.2],
  markers: [
    {
      x: forecast.x0[0],
      label: `forecast: t* = ${forecast.tStar.toFixed(3)}, born at x₀ = ${Math.abs(forecast.x0[0]).toFixed(3)}`,
      color: "#333333",
    },
  ],
  legend: "top-left",
  points: [
    { x: 0, y: jump / 2, label: `t=1.5: p_L = √(1−1/t)/t = ${(jump / 2).toFixed(3)}`, color: "#9467bd" },
    { x: 0, y: -jump / 2, label: `p_R = ${(-jump / 2).toFixed(3)}`, color: "#9467bd" },
  ],
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, svg);
process.stderr.write(`t* forecast ${forecast.tStar} at y0=${forecast.y0[0]}, x0=${forecast.x0[0]}; wrote ${out}\n`);
