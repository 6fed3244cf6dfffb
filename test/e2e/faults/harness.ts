/**
 * The fault-injection harness: an `attack` is one hostile scenario (a kill, a flipped bit, a full
 * disk, …) run as a test whose assertions state the expected outcome — nothing stored is lost, the
 * command fails in the documented way. Counts of attacks tried and survived are printed when the
 * file ends (docs/store.md §faults). `HEAVY` enables the longer variants (SHOCKLENS_FAULTS_HEAVY=1).
 */
import { after, test } from "node:test";

export const HEAVY = process.env.SHOCKLENS_FAULTS_HEAVY === "1";

const tally = { tried: 0, survived: 0, failed: [] as string[] };

/** Thrown by `skip`: the attack cannot be staged on this machine (it is not counted). */
class Skip extends Error {}

export interface AttackContext {
  /** Ends the attack as skipped, e.g. where a small disk cannot be mounted. */
  skip(reason: string): never;
}

/** Registers an attack; it survives when `body` completes without an assertion failing. */
export function attack(
  name: string,
  body: (ctx: AttackContext) => Promise<void> | void,
  options: { timeout?: number } = {},
): void {
  test(`attack: ${name}`, { timeout: options.timeout ?? 120_000 }, async (t) => {
    try {
      await body({
        skip: (reason) => {
          throw new Skip(reason);
        },
      });
    } catch (err) {
      if (err instanceof Skip) return t.skip(err.message);
      tally.tried++;
      tally.failed.push(name);
      throw err;
    }
    tally.tried++;
    tally.survived++;
  });
}

after(() => {
  const lost = tally.failed.length ? ` — lost: ${tally.failed.join("; ")}` : "";
  console.log(`fault injection: ${tally.tried} attacks tried, ${tally.survived} survived with nothing lost${lost}`);
});
