/** Input checks of the local-entropy API: every failure is a one-line InputError naming the option. */
import { InputError } from "../errors.ts";
import { key as keyOf, type Key } from "../core/random.ts";
import type { CommonOptions, Objective } from "./types.ts";

export function positiveNumber(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0))
    throw new InputError(`${name}: expected a finite number > 0, got ${String(v)}`);
  return v;
}

export function positiveInteger(v: unknown, name: string, min = 1): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
    throw new InputError(`${name}: expected an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

/** Validates t, β and the point x against the objective; returns the key to draw from. */
export function checkCommon(obj: Objective, x: Float64Array, o: CommonOptions): Key {
  positiveNumber(o.t, "t");
  positiveNumber(o.beta, "beta");
  if (!(x instanceof Float64Array) || x.length !== obj.dim) {
    throw new InputError(
      `x: expected a Float64Array of length ${obj.dim} (the objective's dimension), ` +
        `got ${x instanceof Float64Array ? `length ${x.length}` : typeof x}`,
    );
  }
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InputError(`x: coordinate ${bad} is ${x[bad]} (expected finite values)`);
  if (o.key !== undefined) return o.key;
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InputError(`seed: expected a safe integer, got ${String(seed)}`);
  return keyOf(seed);
}

/** f(y) must be a number; NaN means the loss is undefined there (a runtime failure, not bad input). */
export function finiteOrInf(v: number, where: string): number {
  if (Number.isNaN(v)) throw new Error(`the objective returned NaN ${where}`);
  return v;
}
