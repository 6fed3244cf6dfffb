/**
 * Progress on stderr (docs/cli.md §progress): a bar redrawn in place on a terminal and cleared at
 * the end; off a terminal, status lines only once a phase has run a while, then periodically, and
 * a closing line; nothing with --quiet. Commands report their costly phases through it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Progress, formatSeconds } from "../src/progress.ts";
import { runCliInProcess, tempDir } from "./cli/helpers.ts";
import { writeFileSync } from "node:fs";
import { writeSafetensors } from "../src/io/safetensors.ts";

function fake(isTTY: boolean) {
  const out: string[] = [];
  let t = 0;
  return {
    stream: { isTTY, columns: 200, write: (s: string) => out.push(s) },
    out,
    clock: () => t,
    advance: (ms: number) => (t += ms),
  };
}

test("off a terminal: nothing for a short phase; a line after 5 s, then every `everyS`, and a closing line", () => {
  const short = fake(false);
  const p1 = new Progress({ label: "quotient", stream: short.stream, now: short.clock, everyS: 10 });
  const a = p1.phase("Hessian spectra", { total: 60, unit: "HVPs" });
  for (let i = 0; i < 60; i++) {
    short.advance(50);
    a.tick();
  }
  a.end();
  assert.deepEqual(short.out, [], "3 s of work prints nothing");

  const long = fake(false);
  const p2 = new Progress({ label: "quotient", stream: long.stream, now: long.clock, everyS: 10 });
  const b = p2.phase("Hessian spectra", { total: 60, unit: "HVPs" });
  for (let i = 0; i < 60; i++) {
    long.advance(500);
    b.tick();
  }
  b.end();
  // Ticks at 0.5 s … 30 s: lines at the first tick ≥ 5 s, then ≥ 10 s later.
  assert.equal(long.out.length, 4, long.out.join(""));
  assert.equal(long.out[0], "shocklens quotient: Hessian spectra: 10/60 HVPs (17 %), 2.0 HVPs/s, ETA 25 s\n");
  assert.match(long.out[1], /: 30\/60 HVPs \(50 %\), 2\.0 HVPs\/s, ETA 15 s\n$/);
  assert.equal(long.out[3], "shocklens quotient: Hessian spectra: done, 60 HVPs in 30 s\n");
});

test("on a terminal: one line redrawn in place (at most 10 per second) and cleared at the end; quiet prints nothing", () => {
  const tty = fake(true);
  const p = new Progress({ label: "train", stream: tty.stream, now: tty.clock });
  const ph = p.phase("training", { total: 100 });
  for (let i = 0; i < 100; i++) {
    tty.advance(20);
    ph.update(i + 1, "loss 0.5");
  }
  ph.end();
  const draws = tty.out.filter((s) => s.startsWith("\r") && s !== "\r\x1b[K");
  assert.ok(draws.length >= 19 && draws.length <= 21, `${draws.length} redraws in 2 s`);
  assert.match(
    draws[draws.length - 1],
    /^\rtrain: training █+░* \d+\/100 steps \| loss 0\.5 \| 50\.0 steps\/s \| ETA /,
  );
  assert.equal(tty.out[tty.out.length - 1], "\r\x1b[K", "the bar is cleared");

  const quiet = fake(true);
  const q = new Progress({ label: "train", stream: quiet.stream, now: quiet.clock, quiet: true });
  const qp = q.phase("training", { total: 3 });
  quiet.advance(60_000);
  qp.tick();
  q.note("hello");
  qp.end();
  assert.deepEqual(quiet.out, []);
  assert.equal(formatSeconds(185), "3 min 05 s");
  assert.equal(formatSeconds(3720), "1 h 02 min");
});

test("quotient and entropy report their costly phase off a terminal, and --quiet silences it", async () => {
  const dir = tempDir();
  const model = join(dir, "m.json");
  writeFileSync(model, JSON.stringify({ arch: "mlp", sizes: [2, 3, 1], activation: "tanh" }));
  const f64 = (shape: number[], f: (i: number) => number) => ({
    dtype: "F64" as const,
    shape,
    data: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
  });
  const w = join(dir, "w.safetensors");
  writeSafetensors(
    w,
    new Map([
      ["fc0.weight", f64([3, 2], (i) => 0.3 * i - 0.5)],
      ["fc0.bias", f64([3], (i) => 0.1 * i)],
      ["fc1.weight", f64([1, 3], (i) => 0.2 - 0.1 * i)],
      ["fc1.bias", f64([1], () => 0.05)],
    ]),
  );
  const d = join(dir, "d.safetensors");
  writeSafetensors(
    d,
    new Map([
      ["x", f64([8, 2], (i) => Math.sin(i))],
      ["y", f64([8, 1], (i) => Math.cos(i))],
    ]),
  );
  const env = { SHOCKLENS_PROGRESS_EVERY: "0" };
  const q = await runCliInProcess(
    ["quotient", "--model", model, "--weights", w, "--data", d, "--hessian-steps", "5", "--json"],
    { env },
  );
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stderr, /^shocklens quotient: Hessian spectra \(Lanczos\): 1\/10 HVPs \(10 %\)/);
  assert.match(q.stderr, /shocklens quotient: Hessian spectra \(Lanczos\): done, 10 HVPs in \d+ s\n$/);
  const e = await runCliInProcess(
    [
      "entropy",
      "--model",
      model,
      "--weights",
      w,
      "--data",
      d,
      "--method",
      "importance",
      "--t",
      "0.1",
      "--beta",
      "5",
      "--samples",
      "32",
      "--json",
    ],
    { env },
  );
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stderr, /shocklens entropy: local entropy \(importance\): done, \d+ loss evaluations in \d+ s\n/);
  const quiet = await runCliInProcess(
    ["quotient", "--model", model, "--weights", w, "--data", d, "--hessian-steps", "5", "--quiet", "--json"],
    { env },
  );
  assert.equal(quiet.stderr, "");
  const help = await runCliInProcess(["quotient", "--help"]);
  assert.match(help.stdout, /Cost: with data, the Hessian spectra dominate/);
  assert.match((await runCliInProcess(["entropy", "--help"])).stdout, /Cost: evaluations of the loss/);
});
