/**
 * One chain of the sgld estimator (./sgld.ts) through all its λ nodes. A chain depends only on its
 * own start, its own keys foldIn(foldIn(kNodes, node), chain) and its own step size, which it
 * carries from node to node; nothing passes between chains until their batch means are pooled.
 * So chains may run in any order, or on two threads (docs/local-entropy.md §threads), and the
 * estimator combines their records in chain order: the same numbers as running them node by node.
 * Everything here is plain data, so a worker thread runs the same function on the same inputs.
 */
import { type Key, foldIn, split } from "../core/random.ts";
import { fitFromForm, type FitForm, type GaussianFit } from "./gaussian.ts";
import { initialState, langevinRun, type ChainState, type LangevinSettings } from "./mala.ts";
import { BatchMeans, type BatchMeansSnapshot } from "./stats.ts";
import { decodeError, encodeError, type ErrorMessage } from "./threadError.ts";
import type { Objective } from "./types.ts";

/** What every chain of one run shares (plain data). */
export interface ChainJob {
  x: Float64Array;
  t: number;
  beta: number;
  adjust: boolean;
  /** Whether η adapts during burn-in (no explicit step size). */
  adapt: boolean;
  eta0: number;
  burnIn: number;
  /** Kept samples per node. */
  S: number;
  batchSize: number;
  lambdas: number[];
  kNodes: Key;
  /** Laplace fits of the modes every chain must visit at the last node (counted when ≥ 2). */
  modes: FitForm[];
}

/** Node index of a chain's failure at its start (before any node; the λ = 0 node is −1). */
export const AT_START = -2;

/** What one chain leaves: per λ node its batch means (of f; at the last node of f and y), acceptance and η. */
export interface ChainRecord {
  batches: BatchMeans[];
  acceptance: number[];
  eta: number[];
  /** Samples at the last node nearest to each mode. */
  visits: number[];
  /** The error that stopped the chain and the node where it did (AT_START: at its start). */
  failure?: { node: number; error: unknown };
}

/**
 * Runs chain c from `start`: even chains warm-start at every node from where the previous one
 * ended, odd chains restart from their start (over-dispersed; a barrier between them shows as
 * R̂ ≫ 1). Burn-in adapts η (when no step size was given), then S samples are kept.
 */
export function runChain(
  obj: Objective,
  job: ChainJob,
  c: number,
  start: Float64Array,
  fits: GaussianFit[],
): ChainRecord {
  const n = obj.dim;
  const rec: ChainRecord = { batches: [], acceptance: [], eta: [], visits: new Array<number>(fits.length).fill(0) };
  let st: ChainState;
  try {
    st = initialState(obj, Float64Array.from(start), job.eta0);
  } catch (error) {
    rec.failure = { node: AT_START, error };
    return rec;
  }
  const last = job.lambdas.length - 1;
  for (let idx = 0; idx <= last; idx++) {
    try {
      if (c % 2 === 1 && idx > 0) st = initialState(obj, Float64Array.from(start), st.eta);
      const s: LangevinSettings = { x: job.x, t: job.t, beta: job.beta, lambda: job.lambdas[idx], adjust: job.adjust };
      const isLast = idx === last;
      const bm = new BatchMeans(isLast ? 1 + n : 1, job.batchSize);
      const [kb, ks] = split(foldIn(foldIn(job.kNodes, idx), c), 2);
      langevinRun(obj, s, st, { steps: job.burnIn, key: kb, adapt: job.adapt });
      const v = new Float64Array(isLast ? 1 + n : 1);
      const acc = langevinRun(obj, s, st, {
        steps: job.S,
        key: ks,
        adapt: false,
        onSample: (state) => {
          v[0] = state.f;
          if (isLast) {
            v.set(state.y, 1);
            if (fits.length > 1) rec.visits[nearestMode(fits, state.y)]++;
          }
          bm.push(v);
        },
      });
      rec.batches.push(bm);
      rec.acceptance.push(acc);
      rec.eta.push(st.eta);
    } catch (error) {
      rec.failure = { node: idx, error };
      return rec;
    }
  }
  return rec;
}

/** The chains' first failure in the order the node-by-node loop meets them (node, then chain), or null. */
export function firstFailure(records: readonly ChainRecord[]): unknown {
  let best: { node: number; error: unknown } | null = null;
  for (const r of records) if (r.failure && (best === null || r.failure.node < best.node)) best = r.failure;
  return best === null ? null : best.error;
}

/** Index of the mode whose Laplace fit is nearest to y (Mahalanobis distance). */
export function nearestMode(fits: readonly GaussianFit[], y: Float64Array): number {
  let best = 0;
  let bestD = Infinity;
  fits.forEach((fit, k) => {
    const d = fit.mahalanobis2(y);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  return best;
}

/** The fits `job.modes` describes. */
export const jobFits = (job: ChainJob): GaussianFit[] => job.modes.map(fitFromForm);

/** A chain record as plain data (what a worker thread sends back). */
export interface ChainRecordMessage {
  batches: BatchMeansSnapshot[];
  acceptance: number[];
  eta: number[];
  visits: number[];
  failure?: { node: number; error: ErrorMessage };
}

export function encodeRecord(r: ChainRecord): ChainRecordMessage {
  const { acceptance, eta, visits } = r;
  const msg: ChainRecordMessage = { batches: r.batches.map((b) => b.snapshot()), acceptance, eta, visits };
  if (r.failure) msg.failure = { node: r.failure.node, error: encodeError(r.failure.error) };
  return msg;
}

/** The record `encodeRecord` described; a failure comes back as the same kind of error (InputError or Error). */
export function decodeRecord(m: ChainRecordMessage): ChainRecord {
  const { acceptance, eta, visits } = m;
  const rec: ChainRecord = { batches: m.batches.map((b) => BatchMeans.restore(b)), acceptance, eta, visits };
  if (m.failure) rec.failure = { node: m.failure.node, error: decodeError(m.failure.error) };
  return rec;
}
