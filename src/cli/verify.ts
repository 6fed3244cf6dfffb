/**
 * `shocklens verify --arch mlp|cnn|transformer|meanfield [--seed S] [--json]`: the falsification
 * harness of the paper's claims on a small trained network of the family (docs/gradient-field.md
 * §verify). `--json` prints the result object (contract keys hj, burgers, shock, gradientField,
 * verdict, and everything behind them); otherwise a claim-by-claim table and the verdict.
 */
import type { Command } from "commander";
import { parseFamily } from "../experiments/families.ts";
import { runVerify, type VerifyResult } from "../experiments/verify.ts";
import { parseNumber, printJson } from "./options.ts";

interface VerifyOptions {
  arch: string;
  seed?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("verify")
    .description(
      "check the paper's claims on a small trained network: HJ/Burgers residual orders, shock time, and whether " +
        "SGD's drift on the quotient is a gradient field",
    )
    .requiredOption("--arch <family>", "mlp | cnn | transformer | meanfield")
    .option("--seed <S>", "seed of the data, the training and every test (default 0)")
    .option("--json", "print one JSON object on stdout")
    .action((o: VerifyOptions) => {
      const arch = parseFamily(o.arch);
      const seed =
        o.seed === undefined
          ? 0
          : parseNumber(o.seed, "--seed", { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
      if (!o.json) process.stderr.write(`shocklens verify: training a small ${arch} and testing the claims …\n`);
      const r = runVerify(arch, seed);
      if (o.json) printJson(r);
      else process.stdout.write(verifyText(r));
    });
}

export function verifyText(r: VerifyResult): string {
  const w = Math.max(...r.claims.map((c) => c.id.length));
  const lines = [
    `shocklens verify --arch ${r.arch} --seed ${r.seed}  (${r.seconds.toFixed(1)} s)`,
    ``,
    `network   ${JSON.stringify(r.model)}`,
    `training  ${r.training.steps} SGD steps, lr ${r.training.lr}, ` +
      `batch ${r.training.batchSize}: loss ${r.training.lossInitial.toPrecision(3)} ` +
      `→ ${r.training.lossTrained.toPrecision(3)}`,
    `slice     ${r.slice.chart}; curvatures ${r.slice.curvature.map((v) => v.toPrecision(3)).join(", ")}`,
    `metric    ${r.gradientField.metric}`,
    ``,
    ...r.claims.map((c) => `  ${c.id.padEnd(w)}  ${c.status.padEnd(13)}  ${c.evidence}`),
    ``,
    r.verdict,
    ``,
  ];
  return lines.join("\n");
}
