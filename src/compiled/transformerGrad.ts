/**
 * The compiled gradient of a transformer's loss (docs/performance.md §compiled-transformer): loss
 * and ∇θ of a `transformer` model on token batches of one shape [N, T], as a plan laid out once
 * and replayed with every buffer allocated once and reused.
 *
 * The plan performs the arithmetic of the eager path — `apply` of src/nn/families/transformer.ts,
 * the loss, and the reverse pass of `valueAndGrad` — op by op: the same GEMM calls (shapes and
 * transpose flags), the eager path's own layer-norm, softmax, log-softmax and relu kernels, the
 * same reductions, and the cotangents of a tensor used twice summed in the order the reverse pass
 * sums them. Loss and gradient agree with `valueAndGrad` bit for bit (test/compiled/). What it
 * saves: the graph, the tensor objects, fresh arrays, and passes over memory:
 *
 *   x₀ = E[tok] + P[:T] in one pass (gather and broadcast add); per block
 *   x ← x + Attn(LN₁(x)) (./attentionPlan.ts), x ← x + (σ(LN₂(x) W₁ᵀ + b₁) W₂ᵀ + b₂) with bias
 *   and σ applied in the GEMM's output (one pass) and b₂ and the residual add in one pass;
 *   logits = LN_f(x) W_uᵀ over all N·T rows (the eager GEMM), the loss at the last position
 *   (readout "last") or at every position ("all").
 */
import { gemmDispatch, streamKernels } from "../core/backends/gemm/index.ts";
import { tanhBackward } from "../core/kernels/fused.ts";
import { tanhInto } from "../core/kernels/tanh.ts";
import { InputError } from "../errors.ts";
import type { TransformerConfig } from "../nn/families/transformer.ts";
import type { LossName } from "../nn/losses.ts";
import { compileAttention, type AttentionPlan } from "./attentionPlan.ts";
import { compileLossSeed } from "./lossSeed.ts";
import { transformerSlots } from "./transformerLayout.ts";

/** The activations of the blocks' MLPs a plan has a fused epilogue for. */
export const TRANSFORMER_COMPILED_ACTIVATIONS = ["relu", "tanh", "identity"] as const;
const EPS = 1e-5; // LayerNorm's ε (the eager default)

export interface TransformerGradPlan {
  /** Batch size N and sequence length T of the token batches this plan takes. */
  readonly batch: number;
  readonly length: number;
  /** ∇θ after `run`, leaf by leaf in slot order (./transformerLayout.ts); overwritten by the next run. */
  readonly grads: readonly Float64Array[];
  /**
   * The loss at `params` (leaves in slot order) for tokens [N, T] (integers in [0, vocab), row-major)
   * and target (labels [N] or [N·T] for xent; values [N, vocab] or [N, T, vocab] for mse); writes `grads`.
   */
  run(params: readonly Float64Array[], tokens: Float64Array, target: Float64Array): number;
}

/** Why `cfg`/`loss` cannot be compiled, or null when they can. */
export function transformerCompileUnsupported(cfg: TransformerConfig, loss: LossName): string | null {
  if (!(TRANSFORMER_COMPILED_ACTIVATIONS as readonly string[]).includes(cfg.activation))
    return `activation "${cfg.activation}" has no compiled form (expected one of ${TRANSFORMER_COMPILED_ACTIVATIONS.join(", ")})`;
  if (loss !== "xent" && loss !== "mse") return `loss "${String(loss)}" has no compiled form`;
  return null;
}

interface LayerBuffers {
  /** The block's input (the residual stream), the stream after attention. */
  x: Float64Array;
  xMid: Float64Array;
  ln1: Norm | null;
  ln2: Norm | null;
  attn: AttentionPlan;
  /** σ(LN₂(x) W₁ᵀ + b₁) [R, m]. */
  h: Float64Array;
}
interface Norm {
  out: Float64Array;
  mean: Float64Array;
  rstd: Float64Array;
}

export function compileTransformerGrad(
  cfg: TransformerConfig,
  loss: LossName,
  N: number,
  T: number,
): TransformerGradPlan {
  const why = transformerCompileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  if (!Number.isInteger(N) || N < 1) throw new InputError(`compile: batch of ${N} sequences`, { field: "compile" });
  if (!Number.isInteger(T) || T < 1 || T > cfg.seq)
    throw new InputError(`compile: sequence length ${T}, expected 1 … ${cfg.seq}`, { field: "compile" });
  const { vocab: V, d, heads: H, dHead: dh, mlp: m } = cfg;
  const act = cfg.activation as (typeof TRANSFORMER_COMPILED_ACTIVATIONS)[number];
  const R = N * T;
  const norm = cfg.norm === "layernorm";
  const slots = transformerSlots(cfg);
  const last = cfg.readout === "last";
  const lossRows = last ? N : R;

  const vec = (n: number) => new Float64Array(n);
  const newNorm = (): Norm | null => (norm ? { out: vec(R * d), mean: vec(R), rstd: vec(R) } : null);
  const layers: LayerBuffers[] = [];
  for (let l = 0; l < cfg.layers; l++)
    layers.push({
      x: vec(R * d),
      xMid: vec(R * d),
      ln1: newNorm(),
      ln2: newNorm(),
      attn: compileAttention(N, T, d, H, dh, cfg.causal),
      h: vec(R * m),
    });
  const xOut = vec(R * d); // the last block's output
  const lnF = newNorm();
  const logits = vec(R * V);
  const zLast = last ? vec(N * V) : logits; // the scored rows
  const gLast = last ? vec(N * V) : vec(R * V);
  const gLogits = last ? vec(R * V) : gLast; // rows of earlier positions stay 0 (the slice's reverse pads)
  const lossSeed = compileLossSeed(loss, lossRows, V);
  // Cotangents of the residual stream (two, alternating) and of the normalised inputs.
  const gx = vec(R * d),
    gx2 = vec(R * d),
    gn = vec(R * d),
    y = vec(R * d), // a block branch's output (attention, then the MLP)
    gh = vec(R * m),
    ghPre = act === "relu" ? vec(R * m) : gh;
  const grads: Float64Array[] = [];
  const sizes = leafSizes();
  for (const n of sizes) grads.push(vec(n));
  const tok = new Int32Array(R);

  function leafSizes(): number[] {
    const out = new Array<number>(slots.count).fill(d);
    out[slots.embed] = V * d;
    out[slots.pos] = cfg.seq * d;
    out[slots.unembed] = V * d;
    for (const b of slots.blocks) {
      out[b.q] = out[b.k] = out[b.v] = H * dh * d;
      out[b.o] = d * H * dh;
      out[b.fc1] = m * d;
      out[b.fc1 + 1] = m;
      out[b.fc2] = d * m;
    }
    return out;
  }

  /** The layer norm after slot `slot` (block l's LN₁, or LN_f for l = layers) and its buffers. */
  const normAfter = (l: number): [Norm | null, number] =>
    l < layers.length ? [layers[l].ln1, slots.blocks[l].ln1] : [lnF, slots.lnF];

  /**
   * s = x + (y + bias) (bias null: x + y) into `sum`, and the layer norm of s when there is one
   * (one pass: ./layerNormFused.ts).
   */
  function residual(
    x: Float64Array,
    y: Float64Array,
    bias: Float64Array | null,
    sum: Float64Array,
    nb: Norm | null,
    p: readonly Float64Array[],
    slot: number,
  ): void {
    if (nb !== null)
      streamKernels().addLayerNorm(x, y, bias, R, d, p[slot], p[slot + 1], EPS, sum, nb.out, nb.mean, nb.rstd);
    else if (bias === null) for (let i = 0; i < sum.length; i++) sum[i] = x[i] + y[i];
    else
      for (let r = 0, o = 0; r < R; r++, o += d)
        for (let j = 0; j < d; j++) sum[o + j] = x[o + j] + (y[o + j] + bias[j]);
  }

  /** dx ← base + the layer norm's reverse pass for the cotangent g of its output (no norm: base + g); dγ, dβ into the slot's gradients. */
  function normReverse(
    g: Float64Array,
    x: Float64Array,
    nb: Norm | null,
    p: readonly Float64Array[],
    slot: number,
    base: Float64Array | null,
    dx: Float64Array,
  ): void {
    if (nb === null) {
      if (base === null) dx.set(g);
      else for (let i = 0; i < dx.length; i++) dx[i] = base[i] + g[i];
      return;
    }
    const dg = grads[slot],
      db = grads[slot + 1];
    dg.fill(0);
    db.fill(0);
    streamKernels().layerNormBackwardAdd(g, x, R, d, p[slot], nb.mean, nb.rstd, base, dx, dg, db);
  }

  function forward(p: readonly Float64Array[], tokens: Float64Array): void {
    const E = p[slots.embed],
      P = p[slots.pos];
    const x0 = layers.length > 0 ? layers[0].x : xOut;
    for (let i = 0; i < R; i++) {
      const v = tokens[i];
      if (!Number.isInteger(v) || v < 0 || v >= V)
        throw new InputError(`compile: token ${v} at position ${i} is not an integer in [0, ${V})`);
      tok[i] = v;
    }
    // x₀ = E[tok] + P[position], then the first layer norm, in one pass over the rows.
    const [first, firstSlot] = normAfter(0);
    if (first === null) streamKernels().embedLayerNorm(E, P, tok, R, T, d, null, null, EPS, x0, null, null, null);
    else {
      const [gamma, beta] = [p[firstSlot], p[firstSlot + 1]];
      streamKernels().embedLayerNorm(E, P, tok, R, T, d, gamma, beta, EPS, x0, first.out, first.mean, first.rstd);
    }
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l],
        b = slots.blocks[l];
      const xNext = l + 1 < layers.length ? layers[l + 1].x : xOut;
      L.attn.forward(L.ln1 !== null ? L.ln1.out : L.x, p[b.q], p[b.k], p[b.v], p[b.o], y);
      residual(L.x, y, null, L.xMid, L.ln2, p, b.ln2);
      gemmDispatch(R, m, d, L.ln2 !== null ? L.ln2.out : L.xMid, 0, false, p[b.fc1], 0, true, L.h, 0);
      biasActivation(L.h, p[b.fc1 + 1], R, m, act);
      gemmDispatch(R, d, m, L.h, 0, false, p[b.fc2], 0, true, y, 0);
      // linear's bias add, then the residual add: xm + (y + b₂); then the next layer norm.
      const [next, nextSlot] = normAfter(l + 1);
      residual(L.xMid, y, p[b.fc2 + 1], xNext, next, p, nextSlot);
    }
    const f = lnF !== null ? lnF.out : xOut;
    gemmDispatch(R, V, d, f, 0, false, p[slots.unembed], 0, true, logits, 0);
    if (last) streamKernels().copyRows(logits, (T - 1) * V, T * V, zLast, 0, V, N, V);
  }

  function backward(p: readonly Float64Array[]): void {
    if (last) streamKernels().copyRows(gLast, 0, V, gLogits, (T - 1) * V, T * V, N, V);
    const f = lnF !== null ? lnF.out : xOut;
    // Cotangent of LN_f's output into gn, then the stream's into g.
    let g = gx,
      spare = gx2;
    gemmDispatch(R, d, V, gLogits, 0, false, p[slots.unembed], 0, false, gn, 0);
    gemmDispatch(V, d, R, gLogits, 0, true, f, 0, false, grads[slots.unembed], 0);
    normReverse(gn, xOut, lnF, p, slots.lnF, null, g);
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l],
        b = slots.blocks[l];
      // MLP: the stream's cotangent g reaches y = h W₂ᵀ + b₂ and the residual.
      const a2 = L.ln2 !== null ? L.ln2.out : L.xMid;
      gemmDispatch(R, m, d, g, 0, false, p[b.fc2], 0, false, act === "relu" ? ghPre : gh, 0);
      gemmDispatch(d, m, R, g, 0, true, L.h, 0, false, grads[b.fc2], 0);
      streamKernels().colSums(g, R, d, grads[b.fc2 + 1]); // reduceAxes over the rows, the same sums
      if (act === "relu") streamKernels().reluBackwardColSums(ghPre, L.h, R, m, gh, grads[b.fc1 + 1]);
      else {
        if (act === "tanh") tanhBackward(gh, L.h, gh);
        streamKernels().colSums(gh, R, m, grads[b.fc1 + 1]);
      }
      gemmDispatch(R, d, m, gh, 0, false, p[b.fc1], 0, false, gn, 0);
      gemmDispatch(m, d, R, gh, 0, true, a2, 0, false, grads[b.fc1], 0);
      // Stream after attention: the residual's cotangent + the MLP branch's (through LN₂ when present).
      normReverse(gn, L.xMid, L.ln2, p, b.ln2, g, spare);
      [g, spare] = [spare, g];
      // Attention: the branches reach a₁ (= LN₁(x), or x itself without norms).
      const w = { q: p[b.q], k: p[b.k], v: p[b.v], o: p[b.o] };
      const dw = { q: grads[b.q], k: grads[b.k], v: grads[b.v], o: grads[b.o] };
      if (L.ln1 !== null) {
        L.attn.backward(g, L.ln1.out, w, dw, null, gn);
        normReverse(gn, L.x, L.ln1, p, b.ln1, g, spare);
      } else L.attn.backward(g, L.x, w, dw, g, spare);
      [g, spare] = [spare, g];
    }
    // x₀ = E[tok] + P[:T]: E's gradient scatters rows in token order; P's sums over the batch.
    const dE = grads[slots.embed],
      dP = grads[slots.pos];
    dE.fill(0);
    streamKernels().scatterAddRows(g, tok, R, d, dE);
    // Σ over the batch of the [T·d] rows, in batch order from 0 (reduceAxes over axis 0); dP's rows past T stay 0.
    dP.fill(0);
    streamKernels().colSums(g, N, T * d, dP);
  }

  return {
    batch: N,
    length: T,
    grads,
    run(params, tokens, target) {
      if (params.length !== slots.count)
        throw new InputError(`compile: ${params.length} parameter leaves, expected ${slots.count}`);
      if (tokens.length !== R) throw new InputError(`compile: ${tokens.length} tokens, expected ${N}×${T}`);
      forward(params, tokens);
      const value = lossSeed.run(zLast, target, gLast);
      backward(params);
      return value;
    },
  };
}

/** out[r, j] ← σ(out[r, j] + b[j]): linear's bias add, then the activation (relu in the same pass: the streaming kernel). */
function biasActivation(out: Float64Array, b: Float64Array, rows: number, n: number, act: string): void {
  streamKernels().biasAct(out, b, rows, n, act === "relu");
  if (act === "tanh") tanhInto(out, out);
}
