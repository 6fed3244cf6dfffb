/**
 * The fault-injection harness: an `attack` is one hostile scenario (a kill, a flipped bit, a full
 * disk, …) run as a test whose assertions state the expected outcome — nothing stored is lost, the
 * command fails in the documented way. Counts of attacks tried and survived are printed when the
 * file ends (docs/store.md §faults). `HEAVY` enables the longer variants (SHOCKLENS_FAULTS_HEAVY=1).
 */
import { after, test } from "node:test";

export const HEAVY = process.env.SHOCKLENS_FAULTS_HEAVY === "1";

const tally = { tried: 0, survived: 0, failed: [] as string[] };

/** Registers an attack; it survives when `body` completes without an assertion failing. */
export function attack(name: string, body: () => Promise<void> | void, options: { timeout?: number } = {}): void {
  test(`attack: ${name}`, { timeout: options.timeout ?? 120_000 }, async () => {
    tally.tried++;
    try {
      await body();
      tally.survived++;
    } catch (err) {
      tally.failed.push(name);
      throw err;
    }
  });
}

after(() => {
  const lost = tally.failed.length ? ` — lost: ${tally.failed.join("; ")}` : "";
  console.log(`fault injection: ${tally.tried} attacks tried, ${tally.survived} survived with nothing lost${lost}`);
});
