/**
 * The pieces every model config schema shares (docs/file-formats.md §model-configs). The configs
 * themselves are strict zod schemas, one per family (./families/), united by the registry
 * (./registry.ts): unknown keys, bad sizes and
 * unknown activations are rejected with a one-line message naming the field.
 */
import { z } from "zod";
import { ACTIVATIONS } from "../core/composite/activations.ts";

/** A positive integer size. */
export const size = z.number().int().positive();

/** The activations of the core ops (core/composite/activations.ts). */
export const activationName = z.enum(ACTIVATIONS);
