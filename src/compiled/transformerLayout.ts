/**
 * The parameter layout the compiled transformer plans work on (docs/performance.md
 * §compiled-transformer): the leaves of a `transformer` parameter tree as a flat list of arrays in
 * state_dict order (embed, pos, per block ln1, attn q k v o, ln2, mlp fc1 fc2, then ln_f,
 * unembed; the layer norms only with norm "layernorm"), and the index of each leaf in that list.
 */
import { Tensor } from "../core/tensor.ts";
import { namedLeaves, toNamed } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { Affine, Block, TransformerConfig, TransformerParams } from "../nn/families/transformer.ts";

/** Where one block's leaves sit in the flat list (ln1/ln2: −1 without layer norms). */
export interface BlockSlots {
  ln1: number;
  q: number;
  k: number;
  v: number;
  o: number;
  ln2: number;
  fc1: number;
  fc2: number;
}

/** Leaf indices: an affine pair (layer norm, linear layer with bias) takes two slots, weight then bias. */
export interface TransformerSlots {
  embed: number;
  pos: number;
  blocks: BlockSlots[];
  /** −1 without layer norms. */
  lnF: number;
  unembed: number;
  count: number;
}

export function transformerSlots(cfg: TransformerConfig): TransformerSlots {
  const norm = cfg.norm === "layernorm";
  let k = 2;
  const take = (n: number) => ((k += n), k - n);
  const blocks: BlockSlots[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const ln1 = norm ? take(2) : -1;
    const q = take(1),
      kk = take(1),
      v = take(1),
      o = take(1);
    const ln2 = norm ? take(2) : -1;
    blocks.push({ ln1, q, k: kk, v, o, ln2, fc1: take(2), fc2: take(2) });
  }
  const lnF = norm ? take(2) : -1;
  const unembed = take(1);
  return { embed: 0, pos: 1, blocks, lnF, unembed, count: k };
}

/** The leaf shapes in slot order. */
function leafShapes(cfg: TransformerConfig): number[][] {
  const { vocab: V, seq: T, d, heads: H, dHead: dh, mlp: m } = cfg;
  const hd = H * dh;
  const s = transformerSlots(cfg);
  const shapes: number[][] = new Array<number[]>(s.count);
  shapes[s.embed] = [V, d];
  shapes[s.pos] = [T, d];
  for (const b of s.blocks) {
    if (b.ln1 >= 0) shapes[b.ln1] = shapes[b.ln1 + 1] = [d];
    shapes[b.q] = shapes[b.k] = shapes[b.v] = [hd, d];
    shapes[b.o] = [d, hd];
    if (b.ln2 >= 0) shapes[b.ln2] = shapes[b.ln2 + 1] = [d];
    shapes[b.fc1] = [m, d];
    shapes[b.fc1 + 1] = [m];
    shapes[b.fc2] = [d, m];
    shapes[b.fc2 + 1] = [d];
  }
  if (s.lnF >= 0) shapes[s.lnF] = shapes[s.lnF + 1] = [d];
  shapes[s.unembed] = [V, d];
  return shapes;
}

/** A parameter tree of `cfg`'s structure whose leaves are views of `arrays` (in slot order). */
export function transformerTreeOver(cfg: TransformerConfig, arrays: readonly Float64Array[]): TransformerParams {
  const shapes = leafShapes(cfg);
  const s = transformerSlots(cfg);
  const t = (i: number) => new Tensor(arrays[i], shapes[i]);
  const affine = (i: number): Affine => ({ weight: t(i), bias: t(i + 1) });
  const blocks: Block[] = s.blocks.map((b) => {
    const attn = { q: { weight: t(b.q) }, k: { weight: t(b.k) }, v: { weight: t(b.v) }, o: { weight: t(b.o) } };
    const mlp = { fc1: affine(b.fc1), fc2: affine(b.fc2) };
    // Key order = the tree `init` makes (torch's state_dict order).
    return b.ln1 >= 0 ? { ln1: affine(b.ln1), attn, ln2: affine(b.ln2), mlp } : { attn, mlp };
  });
  const embed = { weight: t(s.embed) },
    pos = { weight: t(s.pos) },
    unembed = { weight: t(s.unembed) };
  return s.lnF >= 0 ? { embed, pos, blocks, ln_f: affine(s.lnF), unembed } : { embed, pos, blocks, unembed };
}

/** The dotted leaf names in slot order (embed.weight, pos.weight, blocks.0.ln1.weight, …). */
export function transformerLeafNames(cfg: TransformerConfig): string[] {
  const empty = leafShapes(cfg).map(() => new Float64Array(0));
  return namedLeaves(transformerTreeOver(cfg, empty)).map(([name]) => name);
}

/**
 * The arrays of a parameter tree in slot order, picked by name (any key order), each checked
 * against the shape `cfg` gives it; with `copy`, fresh copies (the caller's tensors are never written).
 */
export function transformerLeafArrays(cfg: TransformerConfig, params: TransformerParams, copy = false): Float64Array[] {
  const named = toNamed(params);
  const shapes = leafShapes(cfg);
  return transformerLeafNames(cfg).map((name, i) => {
    const t = named.get(name);
    const want = shapes[i];
    if (t === undefined || t.ndim !== want.length || t.shape.some((n, j) => n !== want[j]))
      throw new InputError(`compile: ${name} must have shape [${want}]`, { field: name });
    return copy ? t.data.slice() : t.data;
  });
}
