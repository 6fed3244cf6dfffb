/**
 * Progress of long work on stderr, shared by every command (docs/cli.md §progress). Work is split
 * into phases ("training", "Hessian spectra (Lanczos)", "local entropy (sgld)" …), each counting
 * units (steps, Hessian-vector products, loss evaluations) towards a total when one is known.
 *
 * - On a terminal: one line, redrawn at most ten times a second and cleared when the phase ends:
 *   `quotient: Hessian spectra ████░░░░ 24/60 HVPs | 3.1/s | ETA 12 s`.
 * - Elsewhere (a log file, a pipe, CI): plain status lines, the first once a phase has run for a
 *   few seconds and then every `SHOCKLENS_PROGRESS_EVERY` seconds (default 10), and a closing line
 *   for a phase that printed any — so a short command prints nothing and a long one is never
 *   silent for long.
 * - `quiet` (the commands' `--quiet`) prints nothing at all.
 *
 * Library code never writes to a stream: it takes a `Tick` callback, and the command owns the
 * `Progress` that renders it.
 */

/** What the library reports: `done` units so far (of `total` when known), with an optional detail. */
export type Tick = (done: number, total?: number, detail?: string) => void;

/** The part of a stream progress needs (a fake in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  /** The command, first on every line ("train", "quotient"). */
  label: string;
  stream?: ProgressStream;
  quiet?: boolean;
  /** Seconds between status lines off a terminal (default $SHOCKLENS_PROGRESS_EVERY or 10; 0: every update). */
  everyS?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export interface PhaseOptions {
  total?: number;
  /** What is counted: "steps", "HVPs", "loss evaluations" (default "steps"). */
  unit?: string;
}

export interface Phase {
  /** Sets the count (and the total, when it becomes known) and redraws when due. */
  update(done: number, detail?: string, total?: number): void;
  /** Adds `n` units. */
  tick(n?: number, detail?: string): void;
  /** The callback form for library code. */
  readonly onTick: Tick;
  /** Ends the phase: clears the bar, or prints a closing status line if any was printed. */
  end(): void;
}

/** Off a terminal, the first status line comes after this many seconds (or `every`, if smaller). */
const FIRST_LINE_S = 5;
const DEFAULT_EVERY_S = 10;
const REDRAW_MS = 100;
const BAR_WIDTH = 20;

function envEvery(): number | undefined {
  const v = process.env.SHOCKLENS_PROGRESS_EVERY;
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** "12 s", "3 min 05 s", "1 h 02 min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, "0")} s`;
  return `${Math.floor(t / 3600)} h ${String(Math.floor(t / 60) % 60).padStart(2, "0")} min`;
}

function rate(perS: number): string {
  return perS >= 100 ? perS.toFixed(0) : perS >= 10 ? perS.toFixed(1) : perS.toPrecision(2);
}

export class Progress {
  readonly label: string;
  private readonly stream: ProgressStream;
  private readonly quiet: boolean;
  private readonly tty: boolean;
  private readonly everyMs: number;
  private readonly firstMs: number;
  private readonly now: () => number;
  /** Whether a bar is drawn on the current terminal line (to be cleared before a message). */
  private drawn = false;

  constructor(o: ProgressOptions) {
    this.label = o.label;
    this.stream = o.stream ?? process.stderr;
    this.quiet = o.quiet === true;
    this.tty = this.stream.isTTY === true;
    const every = o.everyS ?? envEvery() ?? DEFAULT_EVERY_S;
    this.everyMs = every * 1000;
    this.firstMs = Math.min(FIRST_LINE_S, every) * 1000;
    this.now = o.now ?? (() => performance.now());
  }

  /** True when nothing is printed. */
  get silent(): boolean {
    return this.quiet;
  }

  /** A one-line message (`shocklens <label>: …`), printed on a line of its own. */
  note(message: string): void {
    if (this.quiet) return;
    this.clear();
    this.stream.write(`shocklens ${this.label}: ${message}\n`);
  }

  private clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }

  phase(name: string, o: PhaseOptions = {}): Phase {
    const unit = o.unit ?? "steps";
    let total = o.total;
    let done = 0;
    let detail: string | undefined;
    const t0 = this.now();
    let lastDraw = -Infinity;
    let nextLine = t0 + this.firstMs;
    let printed = false;
    let ended = false;

    const progressText = (elapsedMs: number, withBar: boolean): string => {
      const parts: string[] = [];
      const known = total !== undefined && total > 0;
      const frac = known ? Math.min(1, done / (total as number)) : 0;
      if (withBar && known) {
        const filled = Math.round(frac * BAR_WIDTH);
        parts.push(`${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${done}/${total} ${unit}`);
      } else parts.push(known ? `${done}/${total} ${unit} (${(100 * frac).toFixed(0)} %)` : `${done} ${unit}`);
      if (detail) parts.push(detail);
      const s = elapsedMs / 1000;
      if (done > 0 && s > 0) parts.push(`${rate(done / s)} ${unit}/s`);
      if (known && done > 0 && done < (total as number))
        parts.push(`ETA ${formatSeconds((s * ((total as number) - done)) / done)}`);
      else parts.push(`${formatSeconds(s)} elapsed`);
      return parts.join(withBar ? " | " : ", ");
    };

    const draw = (force: boolean) => {
      if (this.quiet || ended) return;
      const t = this.now();
      if (this.tty) {
        if (!force && t - lastDraw < REDRAW_MS) return;
        lastDraw = t;
        let line = `${this.label}: ${name} ${progressText(t - t0, true)}`;
        const width = this.stream.columns;
        if (width !== undefined && width > 10 && line.length > width - 1) line = line.slice(0, width - 2) + "…";
        this.stream.write(`\r${line}\x1b[K`);
        this.drawn = true;
      } else if (t >= nextLine) {
        nextLine = t + this.everyMs;
        printed = true;
        this.stream.write(`shocklens ${this.label}: ${name}: ${progressText(t - t0, false)}\n`);
      }
    };

    const update = (d: number, det?: string, tot?: number) => {
      done = d;
      if (det !== undefined) detail = det;
      if (tot !== undefined) total = tot;
      draw(false);
    };
    return {
      update,
      tick: (n = 1, det?: string) => update(done + n, det),
      onTick: (d, tot, det) => update(d, det, tot),
      end: () => {
        if (ended) return;
        if (!this.quiet) {
          if (this.tty) this.clear();
          else if (printed)
            this.stream.write(
              `shocklens ${this.label}: ${name}: done, ${done} ${unit} in ${formatSeconds((this.now() - t0) / 1000)}\n`,
            );
        }
        ended = true;
      },
    };
  }

  /** Runs `work` as one phase (ended even when it throws). */
  run<T>(name: string, o: PhaseOptions, work: (phase: Phase) => T): T {
    const p = this.phase(name, o);
    try {
      return work(p);
    } finally {
      p.end();
    }
  }
}

/** A progress that prints nothing (library defaults). */
export function silentProgress(label = "shocklens"): Progress {
  return new Progress({ label, quiet: true });
}
