/**
 * How big a model is, from its config alone, before anything is allocated (docs/store.md §bounds):
 * the parameter count (the shapes of docs/file-formats.md §model-configs) and the values one
 * sample's forward pass keeps for the backward pass. Each family's record counts them
 * (`parameterTerms`, `activationTerms`), split into terms named by the config fields they grow
 * with, so that a message can name the field that makes a model too big; this module holds the
 * limits and the arithmetic on terms.
 */
import { InputError } from "../errors.ts";
import { formatBytes } from "../io/files.ts";

/** At most this many parameters (400 MB per float64 copy; training keeps several copies). */
export const MAX_PARAMETERS = 5e7;

/** float64 copies of the parameters training holds: weights, gradient, update, two optimizer moments, a checkpoint. */
export const PARAMETER_COPIES = 6;

/** A count split into terms, each labelled with the config field(s) it grows with. */
export type Terms = [field: string, count: number][];

export const total = (t: Terms): number => t.reduce((s, [, n]) => s + n, 0);

/** The term that contributes most (the field to name in a message). */
export function largest(t: Terms): [string, number] {
  return t.reduce((a, b) => (b[1] > a[1] ? b : a));
}

/** InputError when a model's parameter terms add up to more than MAX_PARAMETERS, naming the field and the memory. */
export function checkParameterCount(terms: Terms, where: string): void {
  const n = total(terms);
  if (n <= MAX_PARAMETERS) return;
  const [field] = largest(terms);
  throw new InputError(
    `${where}: ${field}: the model would have ${n.toExponential(2)} parameters, ` +
      `about ${formatBytes(n * 8 * PARAMETER_COPIES)} of memory to train (${PARAMETER_COPIES} float64 copies); ` +
      `at most ${MAX_PARAMETERS.toExponential(0)} parameters are allowed`,
  );
}
