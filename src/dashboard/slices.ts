/**
 * `/api/runs/ID/slice?dims=1|2&points=N`: a slice of the run's trained network (../report/slice.ts)
 * for the Explore page, which then coarse-grains it in the browser. Computed once per run and shape.
 */
import { InputError } from "../errors.ts";
import { loadWeights } from "../nn/files.ts";
import type { RunReader } from "../store/reader.ts";
import { parseRunConfig } from "../train/config.ts";
import { prepareRun } from "../train/setup.ts";
import { sampleModelSlice, type ModelSlice } from "../report/slice.ts";
import { finalWeightsPath } from "../report/source.ts";
import { HttpError, numberParam, type Query } from "./api.ts";

const cache = new Map<string, ModelSlice>();

export function modelSlice(reader: RunReader, id: string, q: Query): ModelSlice {
  const dims = (numberParam(q, "dims", { min: 1, max: 2, integer: true }) ?? 1) as 1 | 2;
  const points =
    numberParam(q, "points", { min: 5, max: dims === 1 ? 401 : 61, integer: true }) ?? (dims === 1 ? 161 : 25);
  const k = `${id}/${dims}/${points}`;
  const hit = cache.get(k);
  if (hit) return hit;
  const weights = finalWeightsPath(reader.artifacts(id));
  if (!weights) throw new HttpError(404, `run ${id} has no final weights to slice`);
  try {
    const detail = reader.getRun(id);
    const prepared = prepareRun(parseRunConfig(detail.config, `config of run ${id}`), `config of run ${id}`);
    const slice = sampleModelSlice(prepared, loadWeights(weights, prepared.model), { dims, points });
    cache.set(k, slice);
    return slice;
  } catch (err) {
    if (err instanceof InputError) throw new HttpError(422, err.message);
    throw err;
  }
}
