/** The checks the local-entropy estimators share (the field checks are those of src/validate.ts). */
import { InputError } from "../errors.ts";
import { key as keyOf, type Key } from "../core/random.ts";
import { integer, positive } from "../validate.ts";
import type { CommonOptions, Objective } from "./types.ts";

/** Validates t, β and the point x against the objective; returns the key to draw from. */
export function checkCommon(obj: Objective, x: Float64Array, o: CommonOptions): Key {
  positive(o.t, "t");
  positive(o.beta, "beta");
  if (!(x instanceof Float64Array) || x.length !== obj.dim) {
    throw new InputError(
      `x: expected a Float64Array of length ${obj.dim} (the objective's dimension), ` +
        `got ${x instanceof Float64Array ? `length ${x.length}` : typeof x}`,
      { field: "x" },
    );
  }
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InputError(`x: coordinate ${bad} is ${x[bad]} (expected finite values)`, { field: "x" });
  if (o.key !== undefined) return o.key;
  return keyOf(integer(o.seed ?? 0, "seed"));
}

/** f(y) must be a number; NaN means the loss is undefined there (a runtime failure, not bad input). */
export function finiteOrInf(v: number, where: string): number {
  if (Number.isNaN(v)) throw new Error(`the objective returned NaN ${where}`);
  return v;
}
