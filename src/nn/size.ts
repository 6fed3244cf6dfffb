/**
 * How big a model is, from its config alone, before anything is allocated (docs/store.md §bounds):
 * the parameter count (the shapes of docs/file-formats.md §model-configs) and the values one
 * sample's forward pass keeps for the backward pass. Each count is split into named terms so that
 * a message can name the field that makes a model too big.
 */
import { InputError } from "../errors.ts";
import { formatBytes } from "../io/files.ts";
import { convOutput } from "./cnn.ts";
import type { ModelConfig } from "./config.ts";

/** At most this many parameters (400 MB per float64 copy; training keeps several copies). */
export const MAX_PARAMETERS = 5e7;

/** float64 copies of the parameters training holds: weights, gradient, update, two optimizer moments, a checkpoint. */
export const PARAMETER_COPIES = 6;

/** A count split into terms, each labelled with the config field(s) it grows with. */
export type Terms = [field: string, count: number][];

export const total = (t: Terms): number => t.reduce((s, [, n]) => s + n, 0);

/** The term that contributes most (the field to name in a message). */
export function largest(t: Terms): [string, number] {
  return t.reduce((a, b) => (b[1] > a[1] ? b : a));
}

/** Parameter count by term. */
export function parameterTerms(cfg: ModelConfig): Terms {
  switch (cfg.arch) {
    case "mlp":
      return [["sizes", cfg.sizes.slice(1).reduce((s, out, i) => s + out * cfg.sizes[i] + (cfg.bias ? out : 0), 0)]];
    case "meanfield":
      return [["width", cfg.width * (cfg.input + (cfg.bias ? 2 : 1))]];
    case "cnn": {
      let cin = cfg.input[0];
      let conv = 0;
      for (const l of cfg.conv) {
        conv += l.out * cin * l.kernel * l.kernel + l.out;
        cin = l.out;
      }
      const [c, h, w] = convOutput(cfg);
      const sizes = [c * h * w, ...cfg.fc];
      const fc = sizes.slice(1).reduce((s, out, i) => s + out * sizes[i] + out, 0);
      return [
        ["conv", conv],
        ["fc", fc],
      ];
    }
    case "transformer": {
      const { vocab: V, seq: T, d, heads: H, dHead: dh, layers: L, mlp: m } = cfg;
      const norm = cfg.norm === "layernorm" ? 2 * d : 0;
      const block = 4 * H * dh * d + 2 * m * d + m + d + 2 * norm;
      return [
        ["vocab, d", 2 * V * d + norm],
        ["seq, d", T * d],
        ["layers, d, heads, dHead, mlp", L * block],
      ];
    }
  }
}

/** Values one sample's forward pass keeps (layer outputs, attention weights), by term. */
export function activationTerms(cfg: ModelConfig): Terms {
  switch (cfg.arch) {
    case "mlp":
      return [["sizes", cfg.sizes.reduce((s, n) => s + n, 0)]];
    case "meanfield":
      return [["width", cfg.input + 2 * cfg.width]];
    case "cnn": {
      let [, h, w] = cfg.input;
      let conv = cfg.input.reduce((s, n) => s * n, 1);
      for (const l of cfg.conv) {
        h = h + 2 * l.padding - l.kernel + 1;
        w = w + 2 * l.padding - l.kernel + 1;
        conv += 2 * l.out * h * w; // pre- and post-activation maps
        if (l.pool) {
          h = Math.floor(h / l.pool);
          w = Math.floor(w / l.pool);
          conv += l.out * h * w;
        }
      }
      return [
        ["input, conv", conv],
        ["fc", cfg.fc.reduce((s, n) => s + 2 * n, 0)],
      ];
    }
    case "transformer": {
      const { vocab: V, seq: T, d, heads: H, dHead: dh, layers: L, mlp: m } = cfg;
      return [
        ["layers, seq, d, mlp", L * T * (8 * d + 4 * H * dh + 2 * m)],
        ["layers, heads, seq", L * 2 * H * T * T],
        ["vocab, seq", V * (cfg.readout === "all" ? T : 1)],
      ];
    }
  }
}

/** InputError when the model has more than MAX_PARAMETERS parameters, naming the field and the memory. */
export function checkModelSize(cfg: ModelConfig, where: string): void {
  const terms = parameterTerms(cfg);
  const n = total(terms);
  if (n <= MAX_PARAMETERS) return;
  const [field] = largest(terms);
  throw new InputError(
    `${where}: ${field}: the model would have ${n.toExponential(2)} parameters, ` +
      `about ${formatBytes(n * 8 * PARAMETER_COPIES)} of memory to train (${PARAMETER_COPIES} float64 copies); ` +
      `at most ${MAX_PARAMETERS.toExponential(0)} parameters are allowed`,
  );
}
