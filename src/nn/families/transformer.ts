/**
 * Decoder-only transformer (docs/file-formats.md §transformer): pre-LayerNorm blocks
 * X ← X + Attn(LN1(X)), X ← X + MLP(LN2(X)); multi-head causal attention without biases, head h
 * using rows h·dh…(h+1)·dh of q/k/v and columns h·dh…(h+1)·dh of o; logits = LN_f(X) W_unembedᵀ.
 * Inputs are token ids [N, T], T ≤ seq. Its symmetry group is built in ./transformerGroup.ts.
 */
import { z } from "zod";
import { Tensor } from "../../core/tensor.ts";
import * as F from "../../core/ops/index.ts";
import { type Key, split } from "../../core/random.ts";
import { activationName, MAX_LAYERS, size } from "../config.ts";
import { defineFamily } from "../family.ts";
import type { Terms } from "../size.ts";
import { fanInUniform, gaussian } from "../init.ts";
import { transformerGroup } from "./transformerGroup.ts";

export const transformerConfig = z.strictObject({
  arch: z.literal("transformer").describe("a decoder-style transformer over token sequences"),
  vocab: size.describe("vocabulary size V (tokens 0 … V−1; also the output width)"),
  seq: size.describe("longest sequence T (positions)"),
  d: size.describe("model width d"),
  heads: size.describe("attention heads H"),
  dHead: size.describe("width of one head dh (q, k, v have H·dh rows)"),
  layers: z.number().int().nonnegative().max(MAX_LAYERS).describe("blocks L"),
  mlp: size.describe("hidden width of each block's MLP"),
  norm: z.enum(["layernorm", "none"]).default("layernorm").describe("pre-norm LayerNorm (ε = 1e-5) or none"),
  activation: activationName.default("relu").describe("σ of the blocks' MLPs"),
  causal: z.boolean().default(true).describe("mask attention to earlier positions"),
  readout: z
    .enum(["last", "all"])
    .default("last")
    .describe("score only the last position (last) or every position (all)"),
});
export type TransformerConfig = z.infer<typeof transformerConfig>;

export type Affine = { weight: Tensor; bias: Tensor };
export type Block = {
  ln1?: Affine;
  attn: { q: { weight: Tensor }; k: { weight: Tensor }; v: { weight: Tensor }; o: { weight: Tensor } };
  ln2?: Affine;
  mlp: { fc1: Affine; fc2: Affine };
};
export type TransformerParams = {
  embed: { weight: Tensor };
  pos: { weight: Tensor };
  blocks: Block[];
  ln_f?: Affine;
  unembed: { weight: Tensor };
};

function layerNormParams(d: number): Affine {
  return { weight: new Tensor(new Float64Array(d).fill(1), [d]), bias: new Tensor(new Float64Array(d), [d]) };
}

export function init(k: Key, cfg: TransformerConfig): TransformerParams {
  const { vocab: V, seq: T, d, heads: H, dHead: dh, layers: L, mlp: m } = cfg;
  const hd = H * dh;
  const [kE, kP, kU, ...kb] = split(k, 3 + L);
  const norm = cfg.norm === "layernorm";
  const blocks: Block[] = kb.map((kl) => {
    const [kq, kk, kv, ko, k1, k1b, k2, k2b] = split(kl, 8);
    const block: Block = {
      attn: {
        q: { weight: fanInUniform(kq, [hd, d], d) },
        k: { weight: fanInUniform(kk, [hd, d], d) },
        v: { weight: fanInUniform(kv, [hd, d], d) },
        o: { weight: fanInUniform(ko, [d, hd], hd) },
      },
      mlp: {
        fc1: { weight: fanInUniform(k1, [m, d], d), bias: fanInUniform(k1b, [m], d) },
        fc2: { weight: fanInUniform(k2, [d, m], m), bias: fanInUniform(k2b, [d], m) },
      },
    };
    // Key order of the tree = torch state_dict order: ln1, attn, ln2, mlp.
    return norm ? { ln1: layerNormParams(d), attn: block.attn, ln2: layerNormParams(d), mlp: block.mlp } : block;
  });
  const embed = { weight: gaussian(kE, [V, d]) };
  const pos = { weight: gaussian(kP, [T, d]) };
  const unembed = { weight: fanInUniform(kU, [V, d], d) };
  return norm ? { embed, pos, blocks, ln_f: layerNormParams(d), unembed } : { embed, pos, blocks, unembed };
}

function maybeNorm(x: Tensor, ln: Affine | undefined): Tensor {
  return ln ? F.layerNorm(x, ln.weight, ln.bias) : x;
}

/** Multi-head attention of a [N, T, d] batch. */
export function attention(x: Tensor, attn: Block["attn"], cfg: TransformerConfig): Tensor {
  const [N, T] = x.shape;
  const { heads: H, dHead: dh } = cfg;
  const split = (w: Tensor) => F.permute(F.reshape(F.linear(x, w), [N, T, H, dh]), [0, 2, 1, 3]); // [N, H, T, dh]
  const q = split(attn.q.weight);
  const k = split(attn.k.weight);
  const v = split(attn.v.weight);
  let s = F.mul(F.matmul(q, k, { transB: true }), 1 / Math.sqrt(dh)); // [N, H, T, T]
  if (cfg.causal) s = F.where(causalMask(T), s, -Infinity);
  const z = F.matmul(F.softmax(s, -1), v); // [N, H, T, dh]
  return F.linear(F.reshape(F.permute(z, [0, 2, 1, 3]), [N, T, H * dh]), attn.o.weight);
}

/** 1 where query i may attend to key j (j ≤ i). */
function causalMask(T: number): Tensor {
  const m = new Float64Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) m[i * T + j] = 1;
  return new Tensor(m, [T, T]);
}

/** tokens [N, T] (integers, T ≤ seq) → logits [N, V] (readout "last") or [N, T, V] ("all"). */
export function apply(params: TransformerParams, tokens: Tensor, cfg: TransformerConfig): Tensor {
  if (tokens.ndim !== 2) throw new Error(`transformer input must be [N, T] tokens, got [${tokens.shape}]`);
  const [N, T] = tokens.shape;
  if (T > cfg.seq) throw new Error(`sequence length ${T} exceeds the model's seq = ${cfg.seq}`);
  const act = F.activation(cfg.activation);
  const idx = F.toIndices(tokens, undefined, cfg.vocab);
  let x = F.add(F.gather(params.embed.weight, idx), F.slice(params.pos.weight, [0], [T]));
  for (const b of params.blocks) {
    x = F.add(x, attention(maybeNorm(x, b.ln1), b.attn, cfg));
    const h = act(F.linear(maybeNorm(x, b.ln2), b.mlp.fc1.weight, b.mlp.fc1.bias));
    x = F.add(x, F.linear(h, b.mlp.fc2.weight, b.mlp.fc2.bias));
  }
  const logits = F.linear(maybeNorm(x, params.ln_f), params.unembed.weight);
  if (cfg.readout === "all") return logits;
  const V = cfg.vocab;
  return F.reshape(F.slice(logits, [0, T - 1, 0], [N, T, V]), [N, V]);
}

/** Parameters: embeddings and the final norm, positions, and L blocks (docs/file-formats.md §transformer). */
function parameterTerms(cfg: TransformerConfig): Terms {
  const { vocab: V, seq: T, d, heads: H, dHead: dh, layers: L, mlp: m } = cfg;
  const norm = cfg.norm === "layernorm" ? 2 * d : 0;
  const block = 4 * H * dh * d + 2 * m * d + m + d + 2 * norm;
  return [
    ["vocab, d", 2 * V * d + norm],
    ["seq, d", T * d],
    ["layers, d, heads, dHead, mlp", L * block],
  ];
}

/** Per sample: each block's residual stream, q/k/v/o, MLP hidden values and T×T attention weights per head; the logits. */
function activationTerms(cfg: TransformerConfig): Terms {
  const { vocab: V, seq: T, d, heads: H, dHead: dh, layers: L, mlp: m } = cfg;
  return [
    ["layers, seq, d, mlp", L * T * (8 * d + 4 * H * dh + 2 * m)],
    ["layers, heads, seq", L * 2 * H * T * T],
    ["vocab, seq", V * (cfg.readout === "all" ? T : 1)],
  ];
}

export const transformer = defineFamily({
  arch: "transformer",
  summary: "decoder-only transformer over token ids: pre-LayerNorm attention and MLP blocks",
  schema: transformerConfig,
  init,
  apply,
  inputShapes: (cfg) => [[cfg.seq]],
  acceptsSample: (sample, cfg) => sample.length === 1 && sample[0] >= 1 && sample[0] <= cfg.seq,
  vocab: (cfg) => cfg.vocab,
  outputShape: (cfg, sample) => (cfg.readout === "all" ? [sample[0], cfg.vocab] : [cfg.vocab]),
  parameterTerms,
  activationTerms,
  group: transformerGroup,
  example: {
    config: { arch: "transformer", vocab: 7, seq: 4, d: 6, heads: 2, dHead: 3, layers: 1, mlp: 8 },
    loss: "xent",
    stateDict: [
      "embed.weight:7x6",
      "pos.weight:4x6",
      "blocks.0.ln1.weight:6",
      "blocks.0.ln1.bias:6",
      "blocks.0.attn.q.weight:6x6",
      "blocks.0.attn.k.weight:6x6",
      "blocks.0.attn.v.weight:6x6",
      "blocks.0.attn.o.weight:6x6",
      "blocks.0.ln2.weight:6",
      "blocks.0.ln2.bias:6",
      "blocks.0.mlp.fc1.weight:8x6",
      "blocks.0.mlp.fc1.bias:8",
      "blocks.0.mlp.fc2.weight:6x8",
      "blocks.0.mlp.fc2.bias:6",
      "ln_f.weight:6",
      "ln_f.bias:6",
      "unembed.weight:7x6",
    ],
  },
});
