/**
 * The one validation policy of the library: a value handed in is checked where it enters, and a
 * bad one is an InputError whose message is `<field>: expected <what>, got <value>` on one line,
 * with `field` set (the CLI shows it as the option the user typed). Every area checks its inputs
 * with these; the CLI parses strings into values and leaves the domain checks to the library.
 */
import { z } from "zod";
import { InputError } from "./errors.ts";

/** How a value that was not accepted is shown: strings quoted, everything else as String(v). */
function shown(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * A seed in a config file: a non-negative integer that a float64 holds exactly (≤ 2⁵³ − 1). The run,
 * its data and its monitor each take one; the caller adds `.optional()` and its own description.
 */
export const seedSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** `<field>: expected <what>, got <value>`, with `field` set. */
export function fieldError(field: string, expected: string, got: unknown): InputError {
  return new InputError(`${field}: expected ${expected}, got ${shown(got)}`, { field });
}

export function finite(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw fieldError(field, "a finite number", v);
  return v;
}

export function positive(v: unknown, field: string): number {
  if (!(finite(v, field) > 0)) throw fieldError(field, "a number > 0", v);
  return v as number;
}

export function nonNegative(v: unknown, field: string): number {
  if (finite(v, field) < 0) throw fieldError(field, "a number >= 0", v);
  return v as number;
}

/** A finite number in [min, max] (either bound optional). */
export function inRange(v: unknown, field: string, min?: number, max?: number): number {
  const x = finite(v, field);
  if ((min !== undefined && x < min) || (max !== undefined && x > max))
    throw fieldError(field, `a number ${bounds(min, max)}`, v);
  return x;
}

/** A safe integer in [min, max] (either bound optional). */
export function integer(v: unknown, field: string, min?: number, max?: number): number {
  const ok =
    typeof v === "number" &&
    Number.isSafeInteger(v) &&
    (min === undefined || v >= min) &&
    (max === undefined || v <= max);
  if (!ok)
    throw fieldError(field, `an integer${min === undefined && max === undefined ? "" : ` ${bounds(min, max)}`}`, v);
  return v as number;
}

export function positiveInt(v: unknown, field: string): number {
  return integer(v, field, 1);
}

function bounds(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `in [${min}, ${max}]`;
  return min !== undefined ? `>= ${min}` : `<= ${max}`;
}

/** One of the given names. */
export function oneOf<T extends string>(v: unknown, field: string, choices: readonly T[]): T {
  if (typeof v !== "string" || !(choices as readonly string[]).includes(v))
    throw fieldError(field, `one of ${choices.join(", ")}`, v);
  return v as T;
}

/** The entry of a name table (own properties only: "toString" or "__proto__" are unknown names). */
export function lookup<T>(table: Readonly<Record<string, T>>, name: unknown, field: string): T {
  if (typeof name === "string" && Object.hasOwn(table, name)) return table[name];
  throw fieldError(field, `one of ${Object.keys(table).join(", ")}`, name);
}

/** Every value finite (initial data, files). */
export function finiteArray(u: ArrayLike<number>, field: string): void {
  for (let i = 0; i < u.length; i++) {
    if (!Number.isFinite(u[i]))
      throw new InputError(`${field}: expected finite values, got ${u[i]} at index ${i}`, { field });
  }
}

export function nonEmptyString(v: unknown, field: string): string {
  if (typeof v !== "string" || v.trim() === "") throw fieldError(field, "a non-empty string", v);
  return v;
}

/**
 * A zod problem (the first one reported) as one line `<where>: <path>: <message>`: unknown keys
 * named, unknown values with the choices when zod lists them.
 */
export function formatZodIssue(issue: z.core.$ZodIssue, where: string): string {
  const path = issue.path.map(String).join(".");
  const at = (p: string) => `${where}: ${p === "" ? "(top level)" : p}`;
  switch (issue.code) {
    case "unrecognized_keys": {
      const also = issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).join(", ")})` : "";
      return `${at(path === "" ? issue.keys[0] : `${path}.${issue.keys[0]}`)}: unknown key${also}`;
    }
    case "invalid_union": {
      const opts = (issue as { options?: unknown[] }).options;
      if (opts) return `${at(path)}: expected one of ${opts.map(String).join(", ")}`;
      return `${at(path)}: ${issue.message}`;
    }
    case "invalid_type":
      // A required key left out: say so, rather than "expected number, received undefined".
      if ((issue as { input?: unknown }).input === undefined)
        return `${at(path)}: missing (a required ${issue.expected})`;
      return `${at(path)}: ${issue.message}`;
    default:
      return `${at(path)}: ${issue.message}`;
  }
}

/**
 * All of zod's problems on one line: the first — an unknown key (a typo) before anything else,
 * since a misspelt key usually also leaves a required one missing — in full, then how many more
 * there are and where, so no problem hides behind another.
 */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], where: string): string {
  const ordered = [...issues].sort(
    (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
  );
  const first = formatZodIssue(ordered[0], where);
  if (ordered.length === 1) return first;
  const rest = ordered.slice(1).map((i) => {
    const path = i.path.map(String).join(".");
    return i.code === "unrecognized_keys" ? (path ? `${path}.${i.keys[0]}` : i.keys[0]) : path || "(top level)";
  });
  return `${first} (also ${rest.length} more: ${rest.slice(0, 4).join(", ")}${rest.length > 4 ? ", …" : ""})`;
}
