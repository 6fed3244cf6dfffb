/**
 * The one registry of compute backends. An axis of variation (the GEMM, the PDE stencils) is a
 * `BackendAxis`: an ordered list of entries, each one backend — its name, a one-line summary and
 * a `load()` that returns the implementation or throws saying why it cannot. Adding a backend is
 * one entry (one file) and one line in its axis' list.
 *
 * Nothing is loaded when a module is imported. An axis picks its backend at first use: the one
 * named by its environment variable (read then, not at import), else "auto" — the first entry, in
 * preference order, that loads. `use(name)` selects explicitly. A backend that is asked for by
 * name and cannot load is an error (`BackendUnavailableError`, an InputError: the CLI prints its
 * one line and exits 2); only "auto" moves on to the next entry.
 */
import { InputError } from "../../errors.ts";

/** A named backend that was asked for and cannot be used (not built, switched off, failed its check). */
export class BackendUnavailableError extends InputError {
  override name = "BackendUnavailableError";
}

export interface BackendEntry<Impl> {
  readonly name: string;
  /** What it is, in a few words ("WebAssembly SIMD, relaxed-SIMD FMA build"). */
  readonly summary: string;
  /** Loads the implementation; throws an Error whose message says why it is not available. */
  load(): Impl;
  /** One line about the loaded implementation (its file, build or library) for `shocklens doctor`. */
  detail?(impl: Impl): string;
}

export interface BackendStatus {
  name: string;
  summary: string;
  available: boolean;
  active: boolean;
  /** The loaded file or library, or why it is not available. */
  detail: string;
}

export interface AxisReport {
  axis: string;
  label: string;
  /** The backend in use (selected now if it was not yet), or null when the selection failed. */
  active: string | null;
  /** How it was selected: "auto", "SHOCKLENS_GEMM=…", "useBackend", or the selection error. */
  selectedBy: string;
  envVar: string | null;
  backends: BackendStatus[];
}

export interface AxisSpec<Impl> {
  /** Short key: "gemm", "stencils". */
  axis: string;
  /** For messages: "GEMM", "PDE stencil". */
  label: string;
  /** Environment variable naming the backend (read at first use); "auto" or unset: preference order. */
  envVar?: string;
  /** Entries in preference order ("auto" takes the first that loads). */
  entries: readonly BackendEntry<Impl>[];
  /** Called whenever a backend becomes active (to route calls to it). */
  activate?(impl: Impl, name: string): void;
}

type Probe<Impl> = { ok: true; impl: Impl } | { ok: false; reason: string };

const AXES = new Map<string, BackendAxis<unknown>>();

export class BackendAxis<Impl> {
  readonly axis: string;
  readonly label: string;
  readonly envVar: string | undefined;
  private readonly entries: BackendEntry<Impl>[];
  private readonly onActivate: ((impl: Impl, name: string) => void) | undefined;
  private readonly probes = new Map<string, Probe<Impl>>();
  private current: { name: string; impl: Impl } | null = null;
  private selectedBy = "";

  constructor(spec: AxisSpec<Impl>) {
    this.axis = spec.axis;
    this.label = spec.label;
    this.envVar = spec.envVar;
    this.entries = [...spec.entries];
    this.onActivate = spec.activate;
    AXES.set(spec.axis, this as BackendAxis<unknown>);
  }

  /** Backend names in preference order. */
  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  has(name: string): boolean {
    return this.entries.some((e) => e.name === name);
  }

  /** Adds a backend; `before` puts it ahead of that entry in the preference order (default: last). */
  register(entry: BackendEntry<Impl>, before?: string): void {
    if (this.has(entry.name)) throw new Error(`${this.label} backend ${entry.name} is registered already`);
    const at = before === undefined ? -1 : this.entries.findIndex((e) => e.name === before);
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
  }

  /** Loads a backend once per process (later calls return the same result). */
  probe(name: string): Probe<Impl> {
    const hit = this.probes.get(name);
    if (hit) return hit;
    const entry = this.entry(name);
    let p: Probe<Impl>;
    try {
      p = { ok: true, impl: entry.load() };
    } catch (e) {
      p = { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
    this.probes.set(name, p);
    return p;
  }

  /** The implementation of a named backend; throws BackendUnavailableError when it cannot load. */
  load(name: string, field?: string): Impl {
    const p = this.probe(name);
    if (p.ok) return p.impl;
    throw new BackendUnavailableError(
      `${field ? `${field}: ` : ""}${this.label} backend ${name} is not available: ${p.reason}`,
    );
  }

  /**
   * Makes `pref` the active backend: a name (an error when it cannot load) or "auto" (the first in
   * preference order that loads). Returns the name now active.
   */
  use(pref: string, by = "useBackend"): string {
    if (pref === "auto") {
      for (const e of this.entries) {
        const p = this.probe(e.name);
        if (p.ok) return this.activate(e.name, p.impl, by === "useBackend" ? "auto" : by);
      }
      throw new BackendUnavailableError(`no ${this.label} backend is available`);
    }
    return this.activate(pref, this.load(pref, by === "useBackend" ? undefined : by), by);
  }

  /** The active backend, selected on first use from the environment variable (or "auto"). */
  active(): { name: string; impl: Impl } {
    if (this.current === null) this.use(...this.fromEnvironment());
    return this.current as { name: string; impl: Impl };
  }

  /** Whether a backend has been selected yet (nothing is loaded before the first use). */
  get selected(): boolean {
    return this.current !== null;
  }

  /** Every backend loaded (for `shocklens doctor`), which one is active and how it was chosen. */
  report(): AxisReport {
    let active: string | null = null;
    try {
      active = this.active().name;
    } catch (e) {
      this.selectedBy = e instanceof Error ? e.message : String(e);
    }
    return {
      axis: this.axis,
      label: this.label,
      active,
      selectedBy: this.selectedBy,
      envVar: this.envVar ?? null,
      backends: this.entries.map((e) => {
        const p = this.probe(e.name);
        return {
          name: e.name,
          summary: e.summary,
          available: p.ok,
          active: e.name === active,
          detail: p.ok ? (e.detail?.(p.impl) ?? e.summary) : p.reason,
        };
      }),
    };
  }

  private entry(name: string): BackendEntry<Impl> {
    const e = this.entries.find((x) => x.name === name);
    if (!e)
      throw new InputError(
        `unknown ${this.label} backend ${JSON.stringify(name)} (expected auto, ${this.names().join(", ")})`,
      );
    return e;
  }

  /** [preference, how] from the environment variable; an unknown name is an InputError naming the variable. */
  private fromEnvironment(): [string, string] {
    const v = this.envVar ? (process.env[this.envVar] ?? "").trim() : "";
    if (v === "" || v === "auto") return ["auto", "auto"];
    if (!this.has(v))
      throw new InputError(
        `${this.envVar}: unknown ${this.label} backend ${JSON.stringify(v)} (expected auto, ${this.names().join(", ")})`,
      );
    return [v, `${this.envVar}=${v}`];
  }

  private activate(name: string, impl: Impl, by: string): string {
    this.current = { name, impl };
    this.selectedBy = by;
    this.onActivate?.(impl, name);
    return name;
  }
}

/** Every axis created so far (the GEMM's, and the PDE stencils' once src/pde is loaded). */
export function backendAxes(): BackendAxis<unknown>[] {
  return [...AXES.values()];
}

/** Selects a backend of an axis by name ("auto": preference order); returns the name now active. */
export function useBackend(axis: string, name: string): string {
  const a = AXES.get(axis);
  if (!a)
    throw new InputError(`unknown backend axis ${JSON.stringify(axis)} (expected ${[...AXES.keys()].join(", ")})`);
  return a.use(name);
}

/**
 * Selects, now, the backend of every axis whose environment variable names one, so that a forced
 * backend that cannot load fails before a command starts work (the CLI calls this first) rather
 * than at its first product. Does nothing for axes left on auto.
 */
export function selectForcedBackends(): void {
  for (const a of AXES.values()) {
    const v = a.envVar ? (process.env[a.envVar] ?? "").trim() : "";
    if (v !== "" && v !== "auto") a.active();
  }
}
