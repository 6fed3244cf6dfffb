/**
 * The sweep spec (docs/sweeps.md §spec), YAML or JSON: a base run config and the axes that vary
 * it — a grid (every combination), a list of explicit points, random draws, replicate seeds — and
 * a budget. Validated by a strict zod schema whose first problem becomes a one-line InputError
 * naming the file and the field; the run configs the axes produce are validated in ./expand.ts.
 */
import { z } from "zod";
import { InputError } from "../errors.ts";
import { readConfigFile } from "../nn/files.ts";
import { formatZodIssue } from "../validate.ts";

/** A dotted config path: names separated by dots, array elements by their index (`model.sizes.1`). */
export const CONFIG_PATH = /^[A-Za-z_][\w-]*(\.([A-Za-z_][\w-]*|\d+))*$/;

const finite = z.number().refine(Number.isFinite, "expected a finite number");
const axisValues = z.array(z.unknown()).min(1, "expected a non-empty list of values");

/** How one random axis draws its value from a uniform u in [0, 1). */
export const distribution = z.union([
  z.strictObject({ uniform: z.tuple([finite, finite]).describe("a + u (b − a)") }),
  z.strictObject({
    logUniform: z.tuple([z.number().positive(), z.number().positive()]).describe("a (b/a)^u: a log-uniform draw"),
  }),
  z.strictObject({ int: z.tuple([z.number().int(), z.number().int()]).describe("an integer in [a, b], inclusive") }),
  z.strictObject({ choice: axisValues.describe("one of the values, each equally likely") }),
]);
export type Distribution = z.infer<typeof distribution>;

export const sweepSpec = z.strictObject({
  name: z
    .string()
    .regex(/^[\w.-]{1,64}$/, "expected 1–64 letters, digits, '.', '_' or '-'")
    .describe("the sweep's name; its runs belong to the experiment of this name unless base.experiment is set"),
  base: z
    .record(z.string(), z.unknown())
    .describe("the run config every job starts from (as for `shocklens train`; its seed is optional)"),
  grid: z
    .record(z.string(), axisValues)
    .default({})
    .describe("dotted config path → values; every combination is a job (the last path varies fastest)"),
  list: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .optional()
    .describe("explicit points, each a map dotted path → value; combined with every grid point"),
  random: z
    .strictObject({
      count: z.number().int().positive().describe("how many draws"),
      seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0).describe("seeds the draws"),
      axes: z.record(z.string(), distribution).describe("dotted config path → distribution"),
    })
    .optional()
    .describe("random search: count draws, combined with every grid and list point"),
  seeds: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("replicates of every point: seed labels 0 … seeds−1 (the training seed is derived from the job)"),
  budget: z
    .strictObject({
      jobs: z.number().int().positive().optional().describe("refuse a spec that expands to more jobs than this"),
      seconds: z
        .number()
        .positive()
        .optional()
        .describe("start no job after this many seconds (running jobs finish; the rest stay pending)"),
    })
    .optional(),
});

export type SweepSpec = z.infer<typeof sweepSpec>;
export type SweepSpecInput = z.input<typeof sweepSpec>;

/** Checks a dotted path; `where` names the field holding it. */
export function checkConfigPath(path: string, where: string): string {
  if (!CONFIG_PATH.test(path))
    throw new InputError(
      `${where}: "${path}" is not a dotted config path (names and array indices separated by dots, e.g. optimizer.lr)`,
    );
  return path;
}

/** Validates a sweep spec (already parsed from YAML/JSON); `where` names its source. */
export function parseSweepSpec(raw: unknown, where = "sweep spec"): SweepSpec {
  const r = sweepSpec.safeParse(raw);
  if (!r.success) throw new InputError(formatZodIssue(r.error.issues[0], where));
  const spec = r.data;
  for (const p of Object.keys(spec.grid)) checkConfigPath(p, `${where}: grid`);
  spec.list?.forEach((point, i) => {
    if (Object.keys(point).length === 0) throw new InputError(`${where}: list.${i}: expected at least one path`);
    for (const p of Object.keys(point)) checkConfigPath(p, `${where}: list.${i}`);
  });
  if (spec.random) {
    if (Object.keys(spec.random.axes).length === 0)
      throw new InputError(`${where}: random.axes: expected at least one path`);
    for (const [p, d] of Object.entries(spec.random.axes)) {
      checkConfigPath(p, `${where}: random.axes`);
      const range = "uniform" in d ? d.uniform : "logUniform" in d ? d.logUniform : "int" in d ? d.int : null;
      if (range && !(range[0] <= range[1]))
        throw new InputError(`${where}: random.axes.${p}: the range [${range}] is empty (expected low ≤ high)`);
    }
  }
  const fixed = [...Object.keys(spec.grid), ...Object.keys(spec.random?.axes ?? {})];
  if (spec.seeds !== undefined && fixed.includes("seed"))
    throw new InputError(`${where}: seeds: give replicate seeds either as seeds or as an axis over seed, not both`);
  return spec;
}

/** Reads and validates a sweep spec file. */
export function loadSweepSpec(path: string): SweepSpec {
  return parseSweepSpec(readConfigFile(path, "sweep spec"), `sweep spec ${path}`);
}

/** The JSON Schema (draft 2020-12) of the sweep spec as written by users. */
export function sweepSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sweepSpec, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
