/**
 * Optimizer state ⇄ named tensors + numbers, for checkpoints: tree entries become tensors named
 * `<entry>.<leaf name>` (e.g. `exp_avg.fc0.weight`), number entries a JSON-able record.
 */
import type { Tensor } from "../core/tensor.ts";
import { type Tree, fromNamed, isLeaf, namedLeaves } from "../core/tree.ts";
import type { OptState } from "./types.ts";

export function stateToNamed(state: OptState): { tensors: [string, Tensor][]; numbers: Record<string, number> } {
  const tensors: [string, Tensor][] = [];
  const numbers: Record<string, number> = {};
  for (const [k, v] of Object.entries(state)) {
    if (typeof v === "number") numbers[k] = v;
    else for (const [n, t] of namedLeaves(v)) tensors.push([n === "" ? k : `${k}.${n}`, t]);
  }
  return { tensors, numbers };
}

/** Fills `template` (the optimizer's `init` state) from stored tensors and numbers; names and shapes must match. */
export function stateFromNamed<S extends OptState>(
  template: S,
  tensors: ReadonlyMap<string, Tensor>,
  numbers: Record<string, unknown>,
): S {
  const out: Record<string, Tree | number> = {};
  const used = new Set<string>();
  for (const [k, v] of Object.entries(template)) {
    if (typeof v === "number") {
      const n = numbers[k];
      if (typeof n !== "number" || !Number.isFinite(n))
        throw new Error(`optimizer state: number "${k}" missing or not finite`);
      out[k] = n;
      continue;
    }
    const prefix = isLeaf(v) ? k : `${k}.`;
    const mine = new Map<string, Tensor>();
    for (const [name, t] of tensors) {
      if (isLeaf(v) ? name === k : name.startsWith(prefix)) {
        mine.set(isLeaf(v) ? "" : name.slice(prefix.length), t);
        used.add(name);
      }
    }
    try {
      out[k] = isLeaf(v) ? (mine.get("") ?? missing(k)) : fromNamed(v, mine);
    } catch (err) {
      throw new Error(`optimizer state ${k}: ${(err as Error).message}`, { cause: err });
    }
  }
  const extra = [...tensors.keys()].filter((n) => !used.has(n));
  if (extra.length) throw new Error(`optimizer state: unexpected tensor ${extra[0]}`);
  return out as S;
}

function missing(k: string): never {
  throw new Error(`tensor "${k}" missing`);
}
