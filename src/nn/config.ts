/**
 * The pieces every model config schema shares (docs/file-formats.md §model-configs). The configs
 * themselves are strict zod schemas, one per family (./families/), united by the registry
 * (./registry.ts): unknown keys, bad sizes and
 * unknown activations are rejected with a one-line message naming the field.
 */
import { z } from "zod";
import { ACTIVATIONS } from "../core/composite/activations.ts";

/** Bounds that keep a config from asking for absurd sizes; the parameter count is checked too (size.ts). */
export const MAX_DIMENSION = 1e7;
export const MAX_LAYERS = 10_000;

/** A positive integer size, at most MAX_DIMENSION. */
export const size = z.number().int().positive().max(MAX_DIMENSION);

/** The activations of the core ops (core/composite/activations.ts). */
export const activationName = z.enum(ACTIVATIONS);
