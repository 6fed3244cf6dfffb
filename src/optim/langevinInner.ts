/**
 * Entropy-SGD's inner Langevin loop over preallocated flat buffers (docs/performance.md
 * §compiled-step): the loop of `entropySgdInner` (src/optim/entropySgd.ts) — L steps of
 *   y ← y − η'(g + γ(y − x)) + √(2η'/β)·ξ_ℓ,   μ ← (1 − α)μ + αy,
 * with ξ_ℓ from the generator keyed by foldIn(key, ℓ) — but with y, μ and the step's draws in
 * arrays allocated once and written in place: no tree per step, the step's normal deviates drawn
 * into one buffer by the generator's fill loop (the same stream, in the same leaf order, as the
 * eager loop's per-element draws), and the update and the running mean in one pass per leaf.
 * When langevin.wasm is built, the flat arrays (y, μ, anchor, gradient, deviates) live in a
 * WebAssembly memory of the loop's own and the update of all leaves is one SIMD call
 * (./langevinWasm.ts); the arithmetic per element is the same. There the deviates of four steps
 * are drawn at once (their generators are independent: keyed by foldIn(key, ℓ), each stream is
 * the same as when drawn alone), the four state updates side by side in one SIMD chain.
 * The iterates are the eager loop's, bit for bit (test/compiled/langevinInner.test.ts).
 *
 * gradAt receives y as a tree whose leaves are views of the loop's buffer (read it, do not keep
 * it); the returned y and μ are views too, valid until the loop runs again.
 */
import { type Key, foldIn } from "../core/random.ts";
import { Tensor } from "../core/tensor.ts";
import { type Tree, leaves, unflatten } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import { langevinLeaf, stepNoise } from "./langevin.ts";
import { NOISE_LANES, langevinBuffers } from "./langevinWasm.ts";
import { requireKey } from "./leafwise.ts";

/** The settings of one inner loop (Entropy-SGD's innerLr, innerSteps, alpha, beta). */
export interface LangevinInnerOptions {
  innerLr: number;
  innerSteps: number;
  alpha: number;
  beta: number;
}

export interface InnerLoop {
  /** The last inner iterate y_L. */
  y: Tree;
  /** The running average μ_L. */
  mu: Tree;
}

/** The inner loop at anchor x with coupling γ, first gradient g0 = ∇f(x) (x and g0 are never written). */
export type LangevinInner = (
  x: Tree,
  g0: Tree,
  gradAt: ((y: Tree) => Tree) | undefined,
  key: Key | undefined,
  gamma: number,
) => InnerLoop;

/** A loop for parameter trees shaped like `like` (same leaves, same sizes), its buffers allocated here. */
export function compileLangevinInner(like: Tree, o: LangevinInnerOptions): LangevinInner {
  const { innerLr: eta, innerSteps: L, alpha, beta } = o;
  if (!Number.isInteger(L) || L < 1)
    throw new InputError(`compile: innerSteps must be a positive integer, got ${L}`, { field: "compile" });
  const s = Math.sqrt((2 * eta) / beta);
  const shapes = leaves(like).map((t) => t.shape);
  const sizes = leaves(like).map((t) => t.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const wasm = langevinBuffers(total, s === 0 ? 1 : Math.min(L, NOISE_LANES));
  const seeds: Key[] = [];
  const yBuf = wasm?.y ?? new Float64Array(total),
    muBuf = wasm?.mu ?? new Float64Array(total),
    zBuf = wasm?.z ?? new Float64Array(s === 0 ? 0 : total);
  const views = (buf: Float64Array) => {
    let off = 0;
    return sizes.map((n) => buf.subarray(off, (off += n)));
  };
  const ys = views(yBuf),
    mus = views(muBuf),
    zs = s === 0 ? null : views(zBuf);
  const treeOver = (arrays: Float64Array[]) =>
    unflatten(
      like,
      arrays.map((a, j) => new Tensor(a, shapes[j])),
    );
  const yTree = treeOver(ys),
    muTree = treeOver(mus);

  function leafArrays(t: Tree, what: string): Float64Array[] {
    const ls = leaves(t);
    if (ls.length !== sizes.length || ls.some((l, j) => l.size !== sizes[j]))
      throw new Error(`entropy-sgd: the ${what} tree differs in structure from the compiled loop's parameters`);
    return ls.map((l) => l.data);
  }

  return (x, g0, gradAt, key, gamma) => {
    const xs = leafArrays(x, "parameter");
    for (let j = 0; j < xs.length; j++) {
      ys[j].set(xs[j]);
      mus[j].set(xs[j]);
    }
    if (wasm !== null) wasm.x.set(yBuf);
    for (let l = 0; l < L; l++) {
      let g = g0;
      if (l > 0) {
        if (!gradAt) throw new Error("entropy-sgd: the inner loop needs ctx.gradAt for its mini-batch gradients");
        g = gradAt(yTree);
      }
      const gs = leafArrays(g, "gradient");
      if (wasm !== null) {
        // Steps l … l + slots − 1 draw their deviates together when step l is the first of them.
        const slot = l % wasm.slots;
        if (zs !== null && slot === 0) {
          const k = requireKey(key, "entropy-sgd");
          seeds.length = 0;
          for (let m = l; m < Math.min(L, l + wasm.slots); m++) seeds.push(foldIn(k, m));
          wasm.draw(seeds);
        }
        for (let j = 0, off = 0; j < gs.length; off += sizes[j++]) wasm.g.set(gs[j], off);
        wasm.update(eta, 0, gamma, s, alpha, zs !== null, slot);
        continue;
      }
      if (zs !== null) stepNoise(foldIn(requireKey(key, "entropy-sgd"), l)).fill(zBuf);
      for (let j = 0; j < ys.length; j++)
        langevinLeaf(ys[j], gs[j], ys[j], eta, 0, gamma, xs[j], s, zs === null ? null : zs[j], mus[j], alpha);
    }
    return { y: yTree, mu: muTree };
  };
}
