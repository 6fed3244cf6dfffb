/** Input checks shared by the pde API: each failure is an InputError naming the field. */
import { InputError } from "../errors.ts";

/** Own-property lookup in a name table (so "toString" or "__proto__" are unknown names, not hits). */
export function lookup<T>(table: Readonly<Record<string, T>>, name: string, field: string): T {
  if (typeof name === "string" && Object.hasOwn(table, name)) return table[name];
  throw new InputError(`${field}: expected one of ${Object.keys(table).join(", ")}, got ${JSON.stringify(name)}`);
}

export function finite(v: number, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new InputError(`${field}: expected a finite number, got ${String(v)}`);
  return v;
}

export function nonNegative(v: number, field: string): number {
  if (finite(v, field) < 0) throw new InputError(`${field}: expected a number >= 0, got ${v}`);
  return v;
}

export function positive(v: number, field: string): number {
  if (!(finite(v, field) > 0)) throw new InputError(`${field}: expected a number > 0, got ${v}`);
  return v;
}

export function positiveInt(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 1) throw new InputError(`${field}: expected an integer >= 1, got ${String(v)}`);
  return v;
}

/** Every value finite (initial data, files). */
export function finiteArray(u: ArrayLike<number>, field: string): void {
  for (let i = 0; i < u.length; i++) {
    if (!Number.isFinite(u[i])) throw new InputError(`${field}: expected finite values, got ${u[i]} at index ${i}`);
  }
}
