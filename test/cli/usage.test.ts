/** The bare command and the top-level help (docs/cli.md §conventions). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCliInProcess } from "./helpers.ts";

test("bare `shocklens` prints the overview on stdout and exits 0, exactly as --help does", async () => {
  const bare = await runCliInProcess([]);
  const help = await runCliInProcess(["--help"]);
  assert.equal(bare.code, 0);
  assert.equal(bare.stderr, "");
  assert.match(bare.stdout, /^Usage: shocklens \[options\] \[command\]/);
  assert.match(bare.stdout, /\n {2}quotient /);
  assert.equal(bare.stdout, help.stdout);
});
