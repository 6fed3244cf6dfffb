/**
 * A portable objective (./types.ts) as plain data and back: what a worker thread receives to
 * rebuild a network loss (docs/local-entropy.md §threads). The rebuilt objective is
 * `modelObjective(modelOf(config), template, x, y, loss)` over the same config, leaf order and
 * data, so with the same GEMM backend at one thread it computes the same bits.
 */
import { Tensor, shapeSize } from "../core/tensor.ts";
import type { Tree, TreeObject } from "../core/tree.ts";
import { modelOf, type ModelConfig } from "../nn/registry.ts";
import type { LossName } from "../nn/losses.ts";
import { modelObjective } from "./objective.ts";
import type { Objective, PortableObjective } from "./types.ts";

/** A param tree's structure: leaves replaced by their shapes ({leafShape}), keys and order kept. */
type Skeleton = { leafShape: number[] } | Skeleton[] | { [key: string]: Skeleton };

export interface PortableMessage {
  config: ModelConfig;
  template: Skeleton;
  x: { data: Float64Array; shape: number[] };
  y: { data: Float64Array; shape: number[] };
  loss: LossName;
}

const tensorData = (t: Tensor) => ({ data: t.data.slice(), shape: [...t.shape] });

/** The objective's description as plain data, its data copied as they are now. */
export function portableMessage(p: PortableObjective): PortableMessage {
  return { config: p.config, template: skeleton(p.template), x: tensorData(p.x), y: tensorData(p.y), loss: p.loss };
}

/** The objective a portable message describes. */
export function rebuildObjective(m: PortableMessage): Objective {
  const x = new Tensor(m.x.data, m.x.shape);
  const y = new Tensor(m.y.data, m.y.shape);
  return modelObjective(modelOf(m.config), fromSkeleton(m.template), x, y, m.loss);
}

function skeleton(t: Tree): Skeleton {
  if (t instanceof Tensor) return { leafShape: [...t.shape] };
  if (Array.isArray(t)) return (t as readonly Tree[]).map(skeleton);
  const out: { [key: string]: Skeleton } = {};
  const o = t as TreeObject;
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = skeleton(v);
  }
  return out;
}

function fromSkeleton(s: Skeleton): Tree {
  if (Array.isArray(s)) return s.map(fromSkeleton);
  const shape = (s as { leafShape?: unknown }).leafShape;
  if (Array.isArray(shape)) {
    const dims = shape as number[];
    return new Tensor(new Float64Array(shapeSize(dims)), dims);
  }
  const out: { [key: string]: Tree } = {};
  for (const [k, v] of Object.entries(s as { [key: string]: Skeleton })) out[k] = fromSkeleton(v);
  return out;
}
