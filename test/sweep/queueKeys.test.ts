/**
 * Queue addresses (docs/sweeps.md §across-machines): redis://[user:password@]HOST:PORT[/DB], rediss://
 * for TLS, credentials decoded; anything else is one InputError that quotes the address.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../src/errors.ts";
import { redisOptions } from "../../src/sweep/queueKeys.ts";

test("redis addresses: host, port (default 6379), database, decoded credentials, TLS for rediss://", () => {
  const plain = redisOptions("redis://127.0.0.1:6391");
  assert.deepEqual(
    [plain.host, plain.port, plain.db, plain.username, plain.password, plain.tls],
    ["127.0.0.1", 6391, 0, undefined, undefined, undefined],
  );
  const full = redisOptions("rediss://lab:p%40ss@queue.example:7000/3");
  assert.deepEqual(
    [full.host, full.port, full.db, full.username, full.password, full.tls],
    ["queue.example", 7000, 3, "lab", "p@ss", {}],
  );
  assert.equal(redisOptions("redis://h").port, 6379);
  assert.equal(redisOptions("redis://h").maxRetriesPerRequest, null, "commands wait for a reconnect");
});

test("a malformed queue address is an InputError naming --queue and quoting the address", () => {
  for (const [url, pattern] of [
    ["not a url", /^--queue: expected redis:\/\/HOST:PORT, got "not a url"$/],
    ["http://h:1", /^--queue: expected a redis:\/\/ or rediss:\/\/ address, got "http:\/\/h:1"$/],
    ["redis://h:1/x", /^--queue: expected a database number after HOST:PORT\/, got "redis:\/\/h:1\/x"$/],
  ] as const)
    assert.throws(
      () => redisOptions(url),
      (e: Error) => e instanceof InputError && pattern.test(e.message),
      url,
    );
});
