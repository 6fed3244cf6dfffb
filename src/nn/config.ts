/**
 * The pieces every model config schema shares (docs/file-formats.md §model-configs) and the
 * one-line rendering of a zod problem. The configs themselves are strict zod schemas, one per
 * family (./families/), united by the registry (./registry.ts): unknown keys, bad sizes and
 * unknown activations are rejected with a one-line message naming the field.
 */
import { z } from "zod";
import { ACTIVATIONS } from "../core/composite/activations.ts";

/** A positive integer size. */
export const size = z.number().int().positive();

/** The activations of the core ops (core/composite/activations.ts). */
export const activationName = z.enum(ACTIVATIONS);

/** One line per zod problem, the first one reported: `<where>: <path>: <message>`. */
export function formatZodError(err: z.ZodError, where: string): string {
  const issue = err.issues[0];
  const path = issue.path.length ? issue.path.join(".") : "(root)";
  let msg = issue.message;
  if (issue.code === "unrecognized_keys")
    msg = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return `${where}: ${path}: ${msg}`;
}
