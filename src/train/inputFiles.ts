/**
 * The user's files a run reads — `data.path` (one file or an .npy pair) and `init.weights` — and
 * their sha256 digests, recorded as the run's tags `sha256:<field>` when it starts and compared
 * when it resumes (docs/training.md §own-data): a resume continues bit-identically only on the
 * same data, so a file changed since is refused, naming it, rather than silently mixed in.
 */
import { InputError } from "../errors.ts";
import { fileDigest } from "../store/validate.ts";
import type { RunConfig } from "./config.ts";

/** [tag, path] of every file the config reads: `sha256:data.path` (`…:x`, `…:y` for a pair), `sha256:init.weights`. */
export function inputFiles(config: RunConfig): [string, string][] {
  const out: [string, string][] = [];
  if (config.data.name === "file") {
    const parts = config.data.path.split(",");
    if (parts.length === 2) out.push(["sha256:data.path:x", parts[0]], ["sha256:data.path:y", parts[1]]);
    else out.push(["sha256:data.path", config.data.path]);
  }
  if (config.init) out.push(["sha256:init.weights", config.init.weights]);
  return out;
}

/** The tags to record for a new run. */
export function inputDigests(config: RunConfig): Record<string, string> {
  return Object.fromEntries(inputFiles(config).map(([tag, path]) => [tag, fileDigest(path).sha256]));
}

/** "sha256:data.path:x" → "data.path (x)". */
function field(tag: string): string {
  return tag.slice("sha256:".length).replace(/:(x|y)$/, " ($1)");
}

/** InputError when a file the run started from now holds other bytes (tags from `inputDigests`). */
export function checkInputDigests(config: RunConfig, tags: Record<string, string>, runId: string): void {
  for (const [tag, path] of inputFiles(config)) {
    const then = tags[tag];
    if (then === undefined) continue; // recorded by a version that did not digest inputs
    let now: string;
    try {
      now = fileDigest(path).sha256;
    } catch {
      throw new InputError(`run ${runId}: ${field(tag)} ${path} cannot be read any more; a resume reads it again`);
    }
    if (now !== then)
      throw new InputError(
        `run ${runId}: ${field(tag)} ${path} changed since the run ` +
          `started (sha256 ${then.slice(0, 12)}… then, ${now.slice(0, 12)}… now); a resume must read the same file`,
      );
  }
}
