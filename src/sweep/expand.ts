/**
 * From a sweep spec to its jobs (docs/sweeps.md §jobs). The jobs are the product grid × list ×
 * random × seeds (an absent factor counts as one empty point; the grid's last path varies
 * fastest). A job's config is the base with its overrides set at their dotted paths. Its identity
 * is the hash of that config, validated and with defaults filled in, where `seed` is only a
 * replicate label (default 0):
 *
 *   h = sha256(canonical JSON of the config),  job id = h[0:16],  training seed = int(h[0:13], 16) < 2⁵²
 *
 * so the same point gives the same job and the same seed in any sweep, and re-running a job
 * reproduces it exactly, while different points get unrelated seeds.
 */
import { foldIn, key, uniformArray } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { canonicalJson, sha256Hex } from "../store/codec.ts";
import { parseRunConfig, runConfig, type RunConfig } from "../train/config.ts";
import { formatZodIssue } from "../validate.ts";
import type { Distribution, SweepSpec } from "./spec.ts";

export type Overrides = Record<string, unknown>;

export interface JobPlan {
  /** Position in the expansion, from 0. */
  index: number;
  /** 16 hex digits of the config hash. */
  id: string;
  /** The values this job sets, by dotted path. */
  overrides: Overrides;
  /** The validated run config, with the derived training seed. */
  config: RunConfig;
}

/** "optimizer.lr=0.1, batchSize=8" */
export function describeOverrides(o: Overrides): string {
  const parts = Object.entries(o).map(([p, v]) => `${p}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(", ") : "the base config";
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Sets `value` at a dotted path of `target`, creating missing objects on the way; array elements must exist. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown, where: string): void {
  const parts = path.split(".");
  let node: unknown = target;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    const here = parts.slice(0, i).join(".") || "the config";
    if (Array.isArray(node)) {
      const k = Number(part);
      if (!/^\d+$/.test(part) || k >= node.length)
        throw new InputError(
          `${where}: ${path}: ${here} is a list of ${node.length}; "${part}" is not one of its indices`,
        );
      if (last) node[k] = structuredClone(value);
      else node = node[k];
    } else if (isObject(node)) {
      if (last) node[part] = structuredClone(value);
      else {
        if (node[part] === undefined) node[part] = {};
        node = node[part];
      }
    } else {
      throw new InputError(`${where}: ${path}: ${here} is ${JSON.stringify(node)}, not an object or a list`);
    }
  }
}

/** Every combination of the axes' values, the last axis varying fastest. */
function gridPoints(grid: Record<string, unknown[]>): Overrides[] {
  let points: Overrides[] = [{}];
  for (const [path, values] of Object.entries(grid))
    points = points.flatMap((p) => values.map((v) => ({ ...p, [path]: v })));
  return points;
}

/** value of one axis at the uniform draw u ∈ [0, 1). */
function draw(d: Distribution, u: number): unknown {
  if ("uniform" in d) return d.uniform[0] + u * (d.uniform[1] - d.uniform[0]);
  if ("logUniform" in d) {
    const [a, b] = d.logUniform;
    return Math.min(b, a * Math.exp(u * Math.log(b / a)));
  }
  if ("int" in d) return Math.min(d.int[1], d.int[0] + Math.floor(u * (d.int[1] - d.int[0] + 1)));
  return structuredClone(d.choice[Math.min(d.choice.length - 1, Math.floor(u * d.choice.length))]);
}

/** Draw i uses the uniforms of key foldIn(key(seed), i), one per axis in sorted path order. */
function randomPoints(r: NonNullable<SweepSpec["random"]>): Overrides[] {
  const paths = Object.keys(r.axes).sort();
  return Array.from({ length: r.count }, (_, i) => {
    const u = uniformArray(foldIn(key(r.seed), i), paths.length);
    return Object.fromEntries(paths.map((p, j) => [p, draw(r.axes[p], u[j])]));
  });
}

/** The paths each factor sets; two factors may not set the same path or one inside the other. */
function checkDisjoint(factors: [string, string[]][], where: string): void {
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  for (let i = 0; i < factors.length; i++)
    for (let j = i + 1; j < factors.length; j++)
      for (const a of factors[i][1])
        for (const b of factors[j][1])
          if (overlaps(a, b))
            throw new InputError(
              `${where}: ${factors[i][0]} sets ${a} and ${factors[j][0]} sets ${b}; give each path once`,
            );
}

/** A problem of the base config that no axis can be fixing, reported as the base's. */
function checkBase(spec: SweepSpec, axisPaths: string[], where: string): void {
  const r = runConfig.safeParse({ ...spec.base, seed: spec.base.seed ?? 0 });
  if (r.success) return;
  const touched = (issuePath: string) =>
    axisPaths.some((p) => p === issuePath || p.startsWith(`${issuePath}.`) || issuePath.startsWith(`${p}.`));
  for (const issue of r.error.issues) {
    const path = issue.path.map(String).join(".");
    const full = issue.code === "unrecognized_keys" ? (path ? `${path}.${issue.keys[0]}` : issue.keys[0]) : path;
    if (full !== "" && !touched(full)) throw new InputError(formatZodIssue(issue, `${where}: base`));
  }
}

/** The jobs of a sweep, validated; `where` names the spec's source for error messages. */
export function expandSweep(spec: SweepSpec, where = "sweep spec"): JobPlan[] {
  const listPaths = [...new Set((spec.list ?? []).flatMap((p) => Object.keys(p)))];
  const randomPaths = Object.keys(spec.random?.axes ?? {});
  const factors: [string, string[]][] = [
    ["grid", Object.keys(spec.grid)],
    ["list", listPaths],
    ["random", randomPaths],
    ["seeds", spec.seeds !== undefined ? ["seed"] : []],
  ];
  checkDisjoint(factors, where);
  const count =
    Object.values(spec.grid).reduce((n, v) => n * v.length, 1) *
    (spec.list?.length ?? 1) *
    (spec.random?.count ?? 1) *
    (spec.seeds ?? 1);
  if (spec.budget?.jobs !== undefined && count > spec.budget.jobs)
    throw new InputError(`${where}: the spec expands to ${count} jobs, more than budget.jobs = ${spec.budget.jobs}`);
  checkBase(
    spec,
    factors.flatMap(([, p]) => p),
    where,
  );
  const seedPoints: Overrides[] =
    spec.seeds !== undefined ? Array.from({ length: spec.seeds }, (_, s) => ({ seed: s })) : [{}];
  const points = gridPoints(spec.grid)
    .flatMap((g) => (spec.list ?? [{}]).map((l) => ({ ...g, ...l })))
    .flatMap((gl) => (spec.random ? randomPoints(spec.random) : [{}]).map((r) => ({ ...gl, ...r })))
    .flatMap((glr) => seedPoints.map((s) => ({ ...glr, ...s })));
  const seen = new Map<string, number>();
  return points.map((overrides, index) => {
    const at = `${where}: job ${index} (${describeOverrides(overrides)})`;
    const raw = structuredClone(spec.base);
    for (const [path, value] of Object.entries(overrides)) setPath(raw, path, value, at);
    if (raw.seed === undefined) raw.seed = 0;
    const labelled = parseRunConfig(raw, at);
    const hash = sha256Hex(canonicalJson(labelled, at));
    const id = hash.slice(0, 16);
    const twin = seen.get(id);
    if (twin !== undefined)
      throw new InputError(`${at}: the same run config as job ${twin}; every job must differ from the others`);
    seen.set(id, index);
    return { index, id, overrides, config: { ...labelled, seed: Number.parseInt(hash.slice(0, 13), 16) } };
  });
}
