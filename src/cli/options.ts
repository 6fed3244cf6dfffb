/**
 * Option parsing shared by commands: a string option becomes a number or a name, with the wording
 * of the library's checks (src/validate.ts); the domain of a value is the library's to check. And
 * the one JSON object of `--json`.
 */
import { fieldError, inRange, integer as integerIn, oneOf } from "../validate.ts";

/** A number (an integer with `integer`) within [min, max] when given. */
export function parseNumber(
  value: string,
  option: string,
  { integer = false, min, max }: { integer?: boolean; min?: number; max?: number } = {},
): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw fieldError(option, integer ? "an integer" : "a number", value);
  return integer ? integerIn(v, option, min, max) : inRange(v, option, min, max);
}

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  return oneOf(value, option, choices);
}

/** The `--loss` option: mse | xent, or undefined to let the data decide. */
export function parseLoss(value: string | undefined): "mse" | "xent" | undefined {
  return value === undefined ? undefined : parseChoice(value, "--loss", ["mse", "xent"] as const);
}

/** Prints the single JSON object of `--json` (non-finite numbers as strings, never invalid JSON). */
export function printJson(obj: unknown): void {
  process.stdout.write(
    JSON.stringify(obj, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)) + "\n",
  );
}
