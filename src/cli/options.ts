/** Option parsing shared by commands: numbers, enums and the one JSON object of `--json`. */
import { InputError } from "../errors.ts";

export function parseNumber(
  value: string,
  option: string,
  { integer = false, min, max }: { integer?: boolean; min?: number; max?: number } = {},
): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new InputError(`${option}: expected ${integer ? "an integer" : "a number"}, got "${value}"`);
  }
  if (min !== undefined && v < min) throw new InputError(`${option}: must be ≥ ${min}, got ${v}`);
  if (max !== undefined && v > max) throw new InputError(`${option}: must be ≤ ${max}, got ${v}`);
  return v;
}

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if (!choices.includes(value as T))
    throw new InputError(`${option}: unknown value "${value}" (expected ${choices.join(", ")})`);
  return value as T;
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
