/**
 * The symmetry group of the decoder-only transformer family (./transformer.ts), apart from the
 * record for its length (docs/file-formats.md §transformer; docs/theory.md §d.3, d.4):
 * - per block and head h: GL(dh) on (q, k) — W_q[h] ↦ A W_q[h], W_k[h] ↦ A⁻ᵀ W_k[h], which keeps
 *   W_q[h]ᵀ W_k[h] = W_Q W_Kᵀ — and GL(dh) on (v, o) — W_v[h] ↦ B W_v[h], W_o[:, h] ↦ W_o[:, h] B⁻¹;
 *   head permutations. These hold with or without layer norm (LN acts before q/k/v).
 * - the MLP's hidden neurons: rescaling (relu/leaky-relu/identity) and permutations.
 * - with layer norm, per feature i of each LN: (γ_i, β_i) ↦ α(γ_i, β_i) with the consumers'
 *   columns W[:, i] ↦ W[:, i]/α (q, k, v after ln1; fc1 after ln2; unembed after ln_f). Exact for
 *   any ε, because LN's output γ_i n_i + β_i enters the next linear map linearly.
 * Broken, reported separately: scaling the residual stream (embed, pos and every residual write
 * W_o, fc2) by α leaves LN(αx) = (x − μ)/√(σ² + ε/α²) — a symmetry only for ε = 0.
 */
import { type Layout, axisSlice, concatIdx, rowsOf, colsOf, wholeLeaf } from "../../symmetry/layout.ts";
import type { BrokenSymmetry, Component, GroupSpec, NamedInvariant, ScaleUnit } from "../../symmetry/types.ts";
import { isHomogeneous, activationNote } from "../../symmetry/homogeneous.ts";
import { denseUnits, unitComponents } from "../../symmetry/units.ts";

/** The fields of a transformer config (./transformer.ts) the group depends on. */
interface TransformerShape {
  d: number;
  heads: number;
  dHead: number;
  mlp: number;
  layers: number;
  norm: "layernorm" | "none";
  activation: string;
}

function lnUnits(layout: Layout, ln: string, consumers: string[], d: number): ScaleUnit[] {
  return Array.from({ length: d }, (_, i) => ({
    in: concatIdx(axisSlice(layout, `${ln}.weight`, 0, i), axisSlice(layout, `${ln}.bias`, 0, i)),
    out: concatIdx(...consumers.map((w) => axisSlice(layout, w, 1, i))),
  }));
}

/** W Γ with Γ = [diag γ | β] (d × (d+1)): the linear map from (normalised x, 1) that a consumer of LN sees. */
function throughNorm(
  theta: Float64Array,
  W: Int32Array,
  rows: number,
  d: number,
  gamma: Int32Array | null,
  beta: Int32Array | null,
): Float64Array {
  const out = new Float64Array(rows * (d + 1));
  for (let r = 0; r < rows; r++) {
    let b = 0;
    for (let i = 0; i < d; i++) {
      const w = theta[W[r * d + i]];
      out[r * (d + 1) + i] = gamma ? w * theta[gamma[i]] : w;
      if (beta) b += w * theta[beta[i]];
    }
    out[r * (d + 1) + d] = b;
  }
  return out;
}

export function transformerGroup(cfg: TransformerShape, layout: Layout): GroupSpec {
  const { d, heads: H, dHead: dh, mlp: m } = cfg;
  const norm = cfg.norm === "layernorm";
  const rescale = isHomogeneous(cfg.activation);
  const components: Component[] = [];
  const residualWriters: Int32Array[] = [wholeLeaf(layout, "embed.weight"), wholeLeaf(layout, "pos.weight")];
  for (let l = 0; l < cfg.layers; l++) {
    const b = `blocks.${l}`;
    const [q, k, v, o] = ["q", "k", "v", "o"].map((x) => `${b}.attn.${x}.weight`);
    const perm = `${b}.heads.perm`;
    const rows = (w: string, h: number) => rowsOf(layout, w, h * dh, (h + 1) * dh);
    if (norm)
      components.push({
        kind: "scale",
        name: `${b}.ln1.scale`,
        description: "per feature of ln1: (γ_i, β_i) ×α, columns i of q, k, v ×1/α",
        units: lnUnits(layout, `${b}.ln1`, [q, k, v], d),
      });
    components.push({
      kind: "gl",
      name: `${b}.attn.qk`,
      description: "GL(dh) per head: W_q[h] ↦ A W_q[h], W_k[h] ↦ A⁻ᵀ W_k[h]",
      n: dh,
      pairs: Array.from({ length: H }, (_, h) => ({ X: rows(q, h), Y: rows(k, h) })),
      permutedBy: perm,
    });
    components.push({
      kind: "gl",
      name: `${b}.attn.vo`,
      description: "GL(dh) per head: W_v[h] ↦ B W_v[h], W_o[:, h] ↦ W_o[:, h] B⁻¹",
      n: dh,
      pairs: Array.from({ length: H }, (_, h) => ({ X: rows(v, h), Y: colsOf(layout, o, h * dh, (h + 1) * dh) })),
      permutedBy: perm,
    });
    components.push({
      kind: "perm",
      name: perm,
      description: `permutations of the ${H} heads`,
      units: Array.from({ length: H }, (_, h) =>
        concatIdx(
          ...[q, k, v].map((w) => axisSlice(layout, w, 0, h * dh, (h + 1) * dh)),
          axisSlice(layout, o, 1, h * dh, (h + 1) * dh),
        ),
      ),
    });
    if (norm)
      components.push({
        kind: "scale",
        name: `${b}.ln2.scale`,
        description: "per feature of ln2: (γ_i, β_i) ×α, columns i of fc1 ×1/α",
        units: lnUnits(layout, `${b}.ln2`, [`${b}.mlp.fc1.weight`], d),
      });
    components.push(
      ...unitComponents(
        `${b}.mlp`,
        "MLP neuron",
        denseUnits(layout, `${b}.mlp.fc1.weight`, `${b}.mlp.fc1.bias`, `${b}.mlp.fc2.weight`, m),
        rescale,
      ),
    );
    residualWriters.push(
      wholeLeaf(layout, o),
      wholeLeaf(layout, `${b}.mlp.fc2.weight`),
      wholeLeaf(layout, `${b}.mlp.fc2.bias`),
    );
  }
  if (norm)
    components.push({
      kind: "scale",
      name: "ln_f.scale",
      description: "per feature of ln_f: (γ_i, β_i) ×α, columns i of unembed ×1/α",
      units: lnUnits(layout, "ln_f", ["unembed.weight"], d),
    });

  // With layer norm the plain products W_QK, W_VO, a_j ⊗ w_j are not invariant (the LN scalings
  // move the columns); their invariant versions read the weights through Γ = [diag γ | β].
  const extraInvariants = (theta: Float64Array): NamedInvariant[] => {
    const out: NamedInvariant[] = [];
    for (let l = 0; l < cfg.layers; l++) {
      const b = `blocks.${l}`;
      const idx = (name: string) => wholeLeaf(layout, name);
      const g1 = norm ? idx(`${b}.ln1.weight`) : null,
        b1 = norm ? idx(`${b}.ln1.bias`) : null;
      if (norm) {
        const [Q, K, V] = ["q", "k", "v"].map((x) =>
          throughNorm(theta, idx(`${b}.attn.${x}.weight`), H * dh, d, g1, b1),
        );
        const o = idx(`${b}.attn.o.weight`);
        const D = d + 1;
        const qk = new Float64Array(H * D * D),
          vo = new Float64Array(H * D * d);
        for (let h = 0; h < H; h++) {
          for (let r = 0; r < dh; r++) {
            const row = (h * dh + r) * D;
            for (let i = 0; i < D; i++) {
              for (let j = 0; j < D; j++) qk[(h * D + i) * D + j] += Q[row + i] * K[row + j];
              for (let j = 0; j < d; j++) vo[(h * D + i) * d + j] += V[row + i] * theta[o[j * H * dh + h * dh + r]];
            }
          }
        }
        out.push({ name: `${b}.attn.qk.product`, shape: [H, D, D], data: qk, permutedBy: `${b}.heads.perm` });
        out.push({ name: `${b}.attn.vo.product`, shape: [H, D, d], data: vo, permutedBy: `${b}.heads.perm` });
      }
      if (norm || !rescale) {
        const g2 = norm ? idx(`${b}.ln2.weight`) : null,
          b2 = norm ? idx(`${b}.ln2.bias`) : null;
        const w1 = throughNorm(theta, idx(`${b}.mlp.fc1.weight`), m, d, g2, b2);
        const bias = idx(`${b}.mlp.fc1.bias`),
          fc2 = idx(`${b}.mlp.fc2.weight`);
        for (let j = 0; j < m; j++) w1[j * (d + 1) + d] += theta[bias[j]];
        const perm = `${b}.mlp.perm`;
        if (rescale) {
          const prod = new Float64Array(m * d * (d + 1));
          for (let j = 0; j < m; j++)
            for (let r = 0; r < d; r++)
              for (let i = 0; i <= d; i++)
                prod[(j * d + r) * (d + 1) + i] = theta[fc2[r * m + j]] * w1[j * (d + 1) + i];
          out.push({ name: `${b}.mlp.scale.product`, shape: [m, d, d + 1], data: prod, permutedBy: perm });
        } else {
          out.push({ name: `${b}.mlp.in`, shape: [m, d + 1], data: w1, permutedBy: perm });
          out.push({
            name: `${b}.mlp.out`,
            shape: [m, d],
            data: Float64Array.from({ length: m * d }, (_, t) => theta[fc2[(t % d) * m + Math.floor(t / d)]]),
            permutedBy: perm,
          });
        }
      }
    }
    return out;
  };

  const coveredLeaves: string[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const b = `blocks.${l}`;
    if (norm)
      coveredLeaves.push(
        ...["ln1.weight", "ln1.bias", "attn.q.weight", "attn.k.weight", "attn.v.weight", "attn.o.weight"].map(
          (x) => `${b}.${x}`,
        ),
      );
    if (norm || !rescale)
      coveredLeaves.push(
        ...["ln2.weight", "ln2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight"]
          .filter((x) => norm || !x.startsWith("ln"))
          .map((x) => `${b}.${x}`),
      );
  }
  const writers = concatIdx(...residualWriters);
  const broken: BrokenSymmetry[] = norm
    ? [
        {
          name: "residualScale",
          description:
            "scaling the residual stream (embed, pos, every attn.o and mlp.fc2) by α: " +
            "exact only for layer-norm ε = 0, since LN(αx) = (x − μ)/√(σ² + ε/α²)",
          act(theta, alpha) {
            for (let k = 0; k < writers.length; k++) theta[writers[k]] *= alpha;
          },
          generator(theta) {
            const g = new Float64Array(theta.length);
            for (let k = 0; k < writers.length; k++) g[writers[k]] = theta[writers[k]];
            return g;
          },
        },
      ]
    : [];

  const parts = [
    "GL(dh)×GL(dh) per head × head permutations",
    `${rescale ? "rescaling × " : ""}permutation of MLP neurons`,
    ...(norm ? ["layer-norm gain rescalings"] : []),
  ];
  return {
    name: `transformer[${cfg.activation}, ${cfg.norm}]: ${parts.join("; ")}`,
    description:
      `${activationNote(cfg.activation)} (MLP). ` +
      (norm
        ? "Layer norm adds exact per-feature gain rescalings; " +
          "the residual-stream scale symmetry holds only for ε = 0 and is reported as broken."
        : "Without layer norm the residual stream also has a GL(d) change-of-basis symmetry " +
          "(embed, pos, every read and write transformed together); it is not quotiented here."),
    components,
    extraInvariants,
    coveredLeaves,
    broken,
  };
}
