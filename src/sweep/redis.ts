/**
 * A Redis connection for sweeps across machines (docs/sweeps.md §across-machines) that waits out
 * restarts (commands queue while Redis is away), after a first connection that must succeed soon.
 */
import { Redis } from "ioredis";
import { InputError } from "../errors.ts";
import { redisOptions } from "./queueKeys.ts";

/** How long the first connection may take before the command gives up (later outages are waited out). */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A connected client, or a runtime error naming the address when Redis cannot be reached. A Redis
 * that may evict keys under memory pressure would silently lose jobs: refused (bad setup, exit 2).
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis({ ...redisOptions(url), lazyConnect: true });
  redis.on("error", () => {}); // reconnects are automatic; failures surface as timeouts below
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`cannot reach Redis at ${url} within ${CONNECT_TIMEOUT_MS / 1000} s`)),
      CONNECT_TIMEOUT_MS,
    ).unref(),
  );
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
  } catch (err) {
    redis.disconnect();
    throw err instanceof Error && err.message.startsWith("cannot reach")
      ? err
      : new Error(`cannot reach Redis at ${url}: ${(err as Error).message}`);
  }
  let policy: string | undefined;
  try {
    policy = ((await redis.config("GET", "maxmemory-policy")) as string[])[1];
  } catch {
    // CONFIG can be disabled (managed Redis); then the operator answers for the policy.
  }
  if (policy !== undefined && policy !== "noeviction") {
    redis.disconnect();
    throw new InputError(
      `Redis at ${url} has maxmemory-policy ${policy}; queued jobs need noeviction (redis-server --maxmemory-policy noeviction)`,
    );
  }
  return redis;
}
