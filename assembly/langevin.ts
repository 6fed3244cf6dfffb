// The fused Langevin update of the compiled inner loop (src/optim/langevinInner.ts), two lanes at
// a time, compiled by scripts/build-wasm.mjs to dist/wasm/langevin.wasm. Each loop instantiates
// the module over a memory of its own, sized once for its buffers (never grown), so y, μ and the
// step's deviates live there and the update reads and writes them in place.
//
// The arithmetic is langevinLeaf's (src/optim/langevin.ts) per element, in the same order:
//   v = t − η·((g + λt) + (c = 0 ? 0 : c(t − a))) [+ s·ξ],   μ ← (1 − α)μ + αv,   y ← v,
// so every result is the same double (f64 operations correctly rounded, never fused).
//
// The module also draws the loop's normal deviates, several steps' streams at once (./ziggurat.ts).

export { normals } from "./ziggurat";

/** y, g, a (the anchor), z (deviates), mu: f64 arrays of n at byte offsets; y and mu updated in place. */
export function update(
  y: usize,
  g: usize,
  a: usize,
  z: usize,
  mu: usize,
  n: i32,
  eta: f64,
  lambda: f64,
  c: f64,
  s: f64,
  alpha: f64,
  draw: bool,
): void {
  const beta = 1.0 - alpha;
  const vEta = f64x2.splat(eta),
    vLambda = f64x2.splat(lambda),
    vC = f64x2.splat(c),
    vS = f64x2.splat(s),
    vAlpha = f64x2.splat(alpha),
    vBeta = f64x2.splat(beta);
  const cZero = c == 0.0;
  const bytes = <usize>n << 3;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const t = v128.load(y + i);
    const anchor = cZero ? f64x2.splat(0.0) : f64x2.mul(vC, f64x2.sub(t, v128.load(a + i)));
    let v = f64x2.sub(t, f64x2.mul(vEta, f64x2.add(f64x2.add(v128.load(g + i), f64x2.mul(vLambda, t)), anchor)));
    if (draw) v = f64x2.add(v, f64x2.mul(vS, v128.load(z + i)));
    v128.store(y + i, v);
    v128.store(mu + i, f64x2.add(f64x2.mul(vBeta, v128.load(mu + i)), f64x2.mul(vAlpha, v)));
  }
  for (; i < bytes; i += 8) {
    const t = load<f64>(y + i);
    const anchor = cZero ? 0.0 : c * (t - load<f64>(a + i));
    let v = t - eta * (load<f64>(g + i) + lambda * t + anchor);
    if (draw) v += s * load<f64>(z + i);
    store<f64>(y + i, v);
    store<f64>(mu + i, beta * load<f64>(mu + i) + alpha * v);
  }
}
