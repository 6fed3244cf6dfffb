/**
 * Value encodings shared by the store and its exports: canonical JSON and config hashes,
 * flattened hyper-parameters, the scalar `nonfinite` flag, JSON with non-finite numbers, run ids.
 */
import { createHash, randomBytes } from "node:crypto";
import { InputError } from "../errors.ts";

/**
 * JSON with object keys sorted at every depth, so equal configs give equal text and equal hashes.
 * Rejects what JSON cannot hold faithfully (NaN/±Inf, bigint, functions) instead of silently
 * turning it into null.
 */
export function canonicalJson(value: unknown, where = "config"): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value))
        throw new InputError(`${where}: ${value} is not allowed in JSON (finite numbers only)`);
      return JSON.stringify(value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => (v === undefined ? "null" : canonicalJson(v, `${where}[${i}]`))).join(",")}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], `${where}.${k}`)}`).join(",")}}`;
    }
    default:
      throw new InputError(`${where}: a ${typeof value} cannot be stored as JSON`);
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Flattens nested plain objects to dotted keys: {optim: {lr: 0.1}} → {"optim.lr": 0.1}.
 * Arrays and scalars are leaves (a layer-size list is one hyper-parameter, not many).
 */
export function flattenParams(value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/**
 * SQLite turns NaN into NULL and stores whole REAL values as integers (dropping the sign of −0),
 * so each scalar carries a flag: 0 finite, 1 NaN, 2 +Inf, 3 −Inf, 4 −0. Non-finite values are
 * stored as NULL so SQL aggregates over `value` stay meaningful.
 */
export const NonFinite = { Finite: 0, NaN: 1, PosInf: 2, NegInf: 3, NegZero: 4 } as const;

export function encodeScalar(v: number): [value: number | null, flag: number] {
  if (Number.isNaN(v)) return [null, NonFinite.NaN];
  if (v === Infinity) return [null, NonFinite.PosInf];
  if (v === -Infinity) return [null, NonFinite.NegInf];
  if (Object.is(v, -0)) return [0, NonFinite.NegZero];
  return [v, NonFinite.Finite];
}

export function decodeScalar(value: number | null, flag: number): number {
  switch (flag) {
    case NonFinite.NaN:
      return NaN;
    case NonFinite.PosInf:
      return Infinity;
    case NonFinite.NegInf:
      return -Infinity;
    case NonFinite.NegZero:
      return -0;
    default:
      return value as number;
  }
}

/** JSON.stringify replacer: non-finite numbers become "NaN", "Infinity", "-Infinity" (JSON has no literal for them). */
export function nonFiniteAsString(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

/** JSON text for output that must not lose NaN/±Inf silently (event payloads, --json, jsonl). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, nonFiniteAsString, indent);
}

/** A number as a JSON token: "-0" keeps its sign, non-finite values become strings. */
export function jsonNumber(v: number): string {
  if (Object.is(v, -0)) return "-0";
  return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
}

/**
 * A new run id: 12 hex digits from the OS random source (48 bits). Random rather than time-based
 * so that short prefixes stay unique, like git hashes; the store retries on the rare collision.
 */
export function newRunId(): string {
  return randomBytes(6).toString("hex");
}
