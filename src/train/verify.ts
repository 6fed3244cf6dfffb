/**
 * Which checkpoint a resumed run continues from (docs/store.md §checkpoints). Every checkpoint the
 * store registered is checked, newest first, against what the store recorded when it was written:
 * its size and sha256, then the run id, step and keys in its metadata. The first that passes is
 * used; the ones that fail are returned with the reason (the caller logs them as events). A run
 * with registered checkpoints of which none passes, or whose checkpoint folder is gone, is refused:
 * restarting it from step 0 would silently throw its training away.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { InputError } from "../errors.ts";
import { readFileChecked } from "../io/files.ts";
import type { Tree } from "../core/tree.ts";
import type { OptState } from "../optim/types.ts";
import type { Artifact, RunStoreReader } from "../store/types.ts";
import { type CheckpointInfo, type TrainState, checkpointStep, decodeCheckpoint } from "./checkpoint.ts";

export interface RejectedCheckpoint {
  path: string;
  step: number;
  reason: string;
}

export interface CheckpointChoice {
  /** The verified state and its file, or null when the run registered no checkpoint (start at 0). */
  found: { state: TrainState; path: string } | null;
  rejected: RejectedCheckpoint[];
}

/** Why `a` (registered at `step`) cannot be resumed from, or its state. */
function verify(
  a: Artifact,
  step: number,
  runId: string,
  template: { params: Tree; opt: OptState },
  keys: CheckpointInfo["keys"],
): { state: TrainState } | { reason: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileChecked(a.path, "checkpoint");
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length !== a.bytes || sha256 !== a.sha256)
    return {
      reason:
        `its content (${bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…) differs from what the store ` +
        `recorded when it was written (${a.bytes} bytes, sha256 ${a.sha256.slice(0, 12)}…)`,
    };
  let r: ReturnType<typeof decodeCheckpoint>;
  try {
    r = decodeCheckpoint(bytes, a.path, template);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  if (r.info.runId !== runId) return { reason: `its metadata names run ${JSON.stringify(r.info.runId)}` };
  if (r.state.step !== step)
    return { reason: `its metadata says step ${r.state.step}, the store registered it at step ${step}` };
  if (JSON.stringify(r.info.keys) !== JSON.stringify(keys))
    return { reason: "it was written with other keys than the run's config gives" };
  return { state: r.state };
}

export function chooseCheckpoint(
  store: RunStoreReader,
  runId: string,
  template: { params: Tree; opt: OptState },
  keys: CheckpointInfo["keys"],
): CheckpointChoice {
  const registered = store
    .artifacts(runId)
    .filter((a) => a.kind === "checkpoint")
    .map((a) => ({ a, step: checkpointStep(basename(a.path)) ?? -1 }))
    .sort((x, y) => y.step - x.step || y.a.id - x.a.id);
  if (registered.length === 0) return { found: null, rejected: [] };
  const folder = dirname(registered[0].a.path);
  if (!existsSync(folder))
    throw new InputError(
      `run ${runId}: its checkpoint folder ${folder} is missing (${registered.length} checkpoint(s) registered, ` +
        `the newest at step ${registered[0].step}); nothing was changed — restore the folder to resume`,
    );
  const rejected: RejectedCheckpoint[] = [];
  for (const { a, step } of registered) {
    const r = verify(a, step, runId, template, keys);
    if ("state" in r) return { found: { state: r.state, path: a.path }, rejected };
    rejected.push({ path: a.path, step, reason: r.reason });
  }
  throw new InputError(
    `run ${runId}: none of its ${registered.length} checkpoint(s) verifies ` +
      `(${rejected.map((r) => `${basename(r.path)}: ${r.reason}`).join("; ")}); nothing was changed`,
  );
}
