/**
 * An error as plain data and back, for what a worker thread sends (docs/local-entropy.md §threads):
 * an InputError comes back as an InputError with its message and field, anything else as an Error
 * with its message — the kinds the estimators throw and the command maps to exit codes 2 and 1.
 */
import { InputError } from "../errors.ts";

export interface ErrorMessage {
  name: string;
  message: string;
  field?: string;
}

export function encodeError(e: unknown): ErrorMessage {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  return { name: e.name, message: e.message, ...(e instanceof InputError && e.field ? { field: e.field } : {}) };
}

export function decodeError(m: ErrorMessage): Error {
  const { name, message, field } = m;
  return name === "InputError"
    ? new InputError(message, field === undefined ? undefined : { field })
    : new Error(message);
}
