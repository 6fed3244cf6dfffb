/**
 * Modular arithmetic, the grokking task (Power et al. 2022): every pair (a, b) of residues mod p
 * labelled c = a ∘ b mod p for ∘ ∈ {+, −, ×, ÷}; ÷ is a·b⁻¹ with b⁻¹ = b^(p−2) (Fermat), so it
 * needs a prime p and b ≠ 0. A seeded trainFraction of the pairs is the training set.
 */
import { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import { InputError } from "../errors.ts";
import type { ModularOp } from "./config.ts";
import { trainTestSplit } from "./split.ts";
import type { TaskData } from "./types.ts";

/** b^e mod p by squaring (p ≤ 2000, so every product is an exact double). */
function powMod(b: number, e: number, p: number): number {
  let r = 1 % p;
  b %= p;
  for (; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = (r * b) % p;
    b = (b * b) % p;
  }
  return r;
}

function isPrime(p: number): boolean {
  if (p < 2) return false;
  for (let d = 2; d * d <= p; d++) if (p % d === 0) return false;
  return true;
}

/** a ∘ b mod p, in [0, p). */
export function modularOp(op: ModularOp, a: number, b: number, p: number): number {
  switch (op) {
    case "+":
      return (a + b) % p;
    case "-":
      return (((a - b) % p) + p) % p;
    case "*":
      return (a * b) % p;
    case "/":
      return (a * powMod(b, p - 2, p)) % p;
  }
}

export function modular(
  cfg: { p: number; op: ModularOp; encoding: "tokens" | "onehot"; trainFraction: number },
  k: Key,
): TaskData {
  const { p, op } = cfg;
  if (op === "/" && !isPrime(p)) throw new InputError(`data.p: division mod ${p} needs a prime modulus`);
  const pairs: [number, number][] = [];
  for (let a = 0; a < p; a++) for (let b = op === "/" ? 1 : 0; b < p; b++) pairs.push([a, b]);
  const n = pairs.length;
  const y = new Float64Array(n);
  let x: Tensor;
  if (cfg.encoding === "tokens") {
    const d = new Float64Array(3 * n);
    pairs.forEach(([a, b], i) => d.set([a, b, p], 3 * i)); // token p is "="
    x = new Tensor(d, [n, 3]);
  } else {
    const d = new Float64Array(2 * p * n);
    pairs.forEach(([a, b], i) => {
      d[2 * p * i + a] = 1;
      d[2 * p * i + p + b] = 1;
    });
    x = new Tensor(d, [n, 2 * p]);
  }
  pairs.forEach(([a, b], i) => (y[i] = modularOp(op, a, b, p)));
  return {
    name: "modular",
    ...trainTestSplit(x, new Tensor(y, [n]), k, cfg.trainFraction, "data (modular)"),
    loss: "xent",
    classes: p,
  };
}
