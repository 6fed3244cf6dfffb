/**
 * Matching the tensor names of a weights file to a model's parameter names (docs/file-formats.md
 * §weights). The names a file may use, tried in this order:
 *
 * 1. explicit renames `FROM=TO` (a name equal to FROM, or starting with `FROM.`, gets FROM replaced);
 * 2. the model's own names (`fc0.weight` …, a torch `state_dict` of the equivalent module);
 * 3. a shocklens checkpoint: the `params.<name>` tensors (the optimizer's `opt.*` are ignored);
 * 4. one leading component common to every name dropped (`module.` of DataParallel, `model.`, `net.`);
 * 5. positional: modules taken in order — `0.weight`, `0.bias`, `2.weight` of an `nn.Sequential`
 *    (layers without parameters skip indices) — mapped onto the model's layers in order when every
 *    layer has the same parameter suffixes and shapes.
 *
 * Any mapping other than 1–2 is reported as a note (the CLI prints it on stderr), and when nothing
 * matches the error lists the names found next to the names expected.
 */
import type { Tensor } from "../core/tensor.ts";
import { InputError } from "../errors.ts";
import { fieldError } from "../validate.ts";

export interface NameMatch {
  /** Tensors under the model's names. */
  named: Map<string, Tensor>;
  /** How the names were mapped (empty when they matched as they are). */
  notes: string[];
}

export interface MatchOptions {
  /** `[FROM, TO]` renames applied first. */
  rename?: readonly (readonly [string, string])[];
  /** Names the file in messages, e.g. "weights w.safetensors". */
  where: string;
  /** e.g. "mlp": "… do not match the mlp config". */
  arch: string;
  /** How the user renames, in the terms of the caller ("--rename FROM=TO", "init.rename"). */
  renameHint?: string;
}

/** Parses `FROM=TO` (the `--rename` option). */
export function parseRename(spec: string, option = "--rename"): [string, string] {
  const i = spec.indexOf("=");
  const from = i < 0 ? "" : spec.slice(0, i).trim();
  const to = i < 0 ? "" : spec.slice(i + 1).trim();
  if (!from || !to) throw fieldError(option, "FROM=TO (e.g. 0=fc0 or 0.weight=fc0.weight)", spec);
  return [from, to];
}

function renamed(name: string, from: string, to: string): string | null {
  if (name === from) return to;
  if (name.startsWith(`${from}.`)) return to + name.slice(from.length);
  return null;
}

/** Module path and leaf suffix: "blocks.0.attn.q.weight" → ["blocks.0.attn.q", "weight"]. */
function splitName(name: string): [string, string] {
  const i = name.lastIndexOf(".");
  return i < 0 ? ["", name] : [name.slice(0, i), name.slice(i + 1)];
}

/** Natural order of dotted paths: numeric components compare as numbers ("2" < "10"). */
function naturalCompare(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const na = /^\d+$/.test(pa[i]) ? Number(pa[i]) : NaN;
    const nb = /^\d+$/.test(pb[i]) ? Number(pb[i]) : NaN;
    const c = Number.isNaN(na) || Number.isNaN(nb) ? (pa[i] < pb[i] ? -1 : pa[i] > pb[i] ? 1 : 0) : na - nb;
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** Modules (in the given order) with their leaves: [module, [[suffix, fullName]…]]. */
function modules(names: readonly string[]): [string, [string, string][]][] {
  const out = new Map<string, [string, string][]>();
  for (const n of names) {
    const [m, leaf] = splitName(n);
    if (!out.has(m)) out.set(m, []);
    out.get(m)!.push([leaf, n]);
  }
  return [...out];
}

/** True when `found` holds exactly the expected names with the expected shapes. */
function exact(found: ReadonlyMap<string, Tensor>, expected: readonly (readonly [string, readonly number[]])[]) {
  return (
    found.size === expected.length && expected.every(([n, s]) => found.has(n) && sameShape(found.get(n)!.shape, s))
  );
}

/** The positional mapping of found modules onto expected modules, or null when they do not line up. */
function positional(
  found: ReadonlyMap<string, Tensor>,
  expected: readonly (readonly [string, readonly number[]])[],
): Map<string, string> | null {
  const have = modules([...found.keys()].sort(naturalCompare));
  const want = modules(expected.map(([n]) => n));
  if (have.length !== want.length || have.length === 0) return null;
  const shapes = new Map(expected.map(([n, s]) => [n, s]));
  const map = new Map<string, string>();
  for (let i = 0; i < want.length; i++) {
    const [, wl] = want[i];
    const [, hl] = have[i];
    if (wl.length !== hl.length) return null;
    const bySuffix = new Map(hl);
    for (const [leaf, full] of wl) {
      const src = bySuffix.get(leaf);
      if (src === undefined || !sameShape(found.get(src)!.shape, shapes.get(full)!)) return null;
      map.set(src, full);
    }
  }
  return map;
}

function describe(list: [string, readonly number[]][], limit = 12): string {
  const shown = list.slice(0, limit).map(([n, s]) => `${n} ${shapeText(s)}`);
  return shown.join(", ") + (list.length > limit ? `, … (${list.length - limit} more)` : "");
}

function mappingNote(map: ReadonlyMap<string, string>, how: string): string {
  const pairs = [...map].filter(([a, b]) => a !== b);
  const shown = pairs.slice(0, 8).map(([a, b]) => `${a} → ${b}`);
  return `${how}: ${shown.join(", ")}${pairs.length > 8 ? `, … (${pairs.length} in all)` : ""}`;
}

/**
 * Maps the tensors of a file onto the model's parameter names (`expected`: [name, shape] in model
 * order). Throws an InputError listing found and expected names when no rule fits.
 */
export function matchParameterNames(
  found: ReadonlyMap<string, Tensor>,
  expected: readonly (readonly [string, readonly number[]])[],
  o: MatchOptions,
): NameMatch {
  const notes: string[] = [];
  let current = new Map(found);
  if (o.rename?.length) {
    for (const [from, to] of o.rename) {
      const next = new Map<string, Tensor>();
      let used = false;
      for (const [n, t] of current) {
        const r = renamed(n, from, to);
        if (r !== null) used = true;
        if (next.has(r ?? n))
          throw new InputError(`${o.where}: renaming ${from}=${to} gives two tensors the name ${r ?? n}`);
        next.set(r ?? n, t);
      }
      if (!used)
        throw new InputError(`${o.where}: rename ${from}=${to} matches no tensor (found ${describe(shapes(current))})`);
      current = next;
    }
  }
  if (exact(current, expected)) return { named: current, notes };

  // A checkpoint: the parameters are the params.* tensors.
  const params = [...current].filter(([n]) => n.startsWith("params."));
  if (params.length > 0) {
    const stripped = new Map(params.map(([n, t]) => [n.slice("params.".length), t]));
    if (exact(stripped, expected)) {
      notes.push(`${o.where}: a checkpoint; its params.* tensors are the parameters`);
      return { named: stripped, notes };
    }
    current = stripped;
  }

  // One leading component shared by every name (module., model., net.).
  const candidates: [Map<string, Tensor>, string | null][] = [[current, null]];
  const first = new Set([...current.keys()].map((n) => n.split(".")[0]));
  if (first.size === 1 && [...current.keys()].every((n) => n.includes("."))) {
    const prefix = [...first][0];
    const stripped = new Map([...current].map(([n, t]) => [n.slice(prefix.length + 1), t]));
    if (exact(stripped, expected)) {
      notes.push(`${o.where}: dropped the prefix "${prefix}." common to every tensor name`);
      return { named: stripped, notes };
    }
    candidates.push([stripped, prefix]);
  }

  for (const [names, prefix] of candidates) {
    const map = positional(names, expected);
    if (!map) continue;
    const named = new Map<string, Tensor>();
    for (const [src, dst] of map) named.set(dst, names.get(src)!);
    const how =
      `${o.where}: names mapped by position (${prefix === null ? "" : `prefix "${prefix}." dropped, `}` +
      `layers in order; rename with ${o.renameHint ?? "--rename FROM=TO"})`;
    // Report the mapping in the file's own names.
    const shown = new Map([...map].map(([src, dst]) => [prefix === null ? src : `${prefix}.${src}`, dst]));
    notes.push(mappingNote(shown, how));
    return { named, notes };
  }

  const sameNames = current.size === expected.length && expected.every(([n]) => current.has(n));
  if (sameNames) {
    const [n, s] = expected.find(([n, s]) => !sameShape(current.get(n)!.shape, s))!;
    throw new InputError(
      `${o.where} do not match the ${o.arch} config: parameter ${n} has shape ` +
        `${shapeText(current.get(n)!.shape)}, expected ${shapeText(s)}`,
    );
  }
  throw new InputError(
    `${o.where} do not match the ${o.arch} config: found ${describe(shapes(current))}; ` +
      `expected ${describe(expected.map(([n, s]) => [n, s]))}` +
      `${mismatchDetail(current, expected)}; rename tensors with ${o.renameHint ?? "--rename FROM=TO"} ` +
      `(docs/file-formats.md §weights)`,
  );
}

function shapes(m: ReadonlyMap<string, Tensor>): [string, readonly number[]][] {
  return [...m].map(([n, t]) => [n, t.shape]);
}

/** For names that do match: which shape differs, or which names are missing/extra. */
function mismatchDetail(
  found: ReadonlyMap<string, Tensor>,
  expected: readonly (readonly [string, readonly number[]])[],
): string {
  const wrong = expected.filter(([n, s]) => found.has(n) && !sameShape(found.get(n)!.shape, s));
  if (wrong.length)
    return ` (${wrong
      .slice(0, 3)
      .map(([n, s]) => `${n} has shape ${shapeText(found.get(n)!.shape)}, expected ${shapeText(s)}`)
      .join("; ")})`;
  const missing = expected.filter(([n]) => !found.has(n)).map(([n]) => n);
  const wantNames = new Set(expected.map(([n]) => n));
  const extra = [...found.keys()].filter((n) => !wantNames.has(n));
  if (missing.length && missing.length < expected.length)
    return ` (missing ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""})`;
  if (!missing.length && extra.length)
    return ` (unexpected ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ", …" : ""})`;
  return "";
}
