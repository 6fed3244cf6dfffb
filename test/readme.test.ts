/**
 * The README cannot drift from the code: its library example runs as written (through the public
 * entry point, every name it imports exported there), every `shocklens <command>` it shows is a real
 * command and its CLI table lists every command, every `npm run <script>` exists, and every example
 * file it names is in the repository.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as api from "../src/index.ts";
import {
  models,
  key,
  valueAndGrad,
  hvp,
  symmetry,
  diagnostics,
  localEntropy,
  pde,
  random,
  tree,
} from "../src/index.ts";
import { buildProgram } from "../src/cli/main.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The README's fenced code blocks with their language tag. */
function codeBlocks(lang?: string): string[] {
  return [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].filter((m) => !lang || m[1] === lang).map((m) => m[2]);
}

test("the README library example imports only names the entry point exports", () => {
  const ts = codeBlocks("ts");
  assert.equal(ts.length, 1, "one library example in the README");
  const m = /import \{([^}]+)\} from "shocklens";/.exec(ts[0]);
  assert.ok(m, "the example imports from the package name");
  const names = m[1].split(",").map((s) => s.trim());
  assert.deepEqual(
    names.filter((n) => !(n in api)),
    [],
  );
  assert.deepEqual(names, ["models", "key", "valueAndGrad", "hvp", "symmetry", "diagnostics", "localEntropy", "pde"]);
});

test("the README library example runs and gives consistent numbers", () => {
  const x = random.normal(key(1), [16, 2]);
  const y = random.normal(key(2), [16, 1]);
  const cfg = models.parseModelConfig({ arch: "mlp", sizes: [2, 32, 1], activation: "relu" });
  const model = models.modelOf(cfg);
  const params = model.init(key(0));
  const loss = (p: typeof params) => models.mse(model.apply(p, x), y);
  const { value, grad } = valueAndGrad(loss)(params);
  const direction = tree.mapTree(params, (t) => random.normal(key(3), t.shape));
  const { hvp: Hv } = hvp(loss)(params, direction);
  assert.ok(value.item() > 0 && tree.treeNorm(grad) > 0 && tree.treeNorm(Hv) > 0);
  const G = symmetry.groupOf(cfg);
  assert.equal(G.dim, 32);
  const report = diagnostics.observe(cfg, params, { x, y, loss: "mse", hessian: true });
  assert.ok(Math.abs((report.observables.quotient.loss as number) - value.item()) < 1e-14);
  const u = localEntropy(loss, params, { method: "importance", t: 0.5, beta: 8, seed: 1 });
  assert.ok(u.u !== null && Number.isFinite(u.u) && (u.stderr ?? 0) > 0);
  const shock = pde.burgers({ ic: "sine", scheme: "weno5", cells: 400, t: 1.5 });
  const shocks = pde.detectShocks(shock.x, shock.u);
  assert.equal(shocks.length, 1);
  assert.ok(Math.abs(shocks[0].x - Math.PI) < 0.05, `shock at ${shocks[0].x}`);
});

test("every command the README shows exists, and its CLI table lists every command", async () => {
  const program = await buildProgram();
  const commands = new Map(program.commands.map((c) => [c.name(), c.commands.map((s) => s.name())]));
  // Command lines: the shell blocks and the inline code spans that start with the command.
  const lines = [...codeBlocks("sh"), ...[...README.matchAll(/`((?:npx )?shocklens [^`]+)`/g)].map((m) => m[1])];
  const shown = lines.flatMap((l) => [...l.matchAll(/(?:^|\s)shocklens (\w[\w-]*)(?: (\w[\w-]*))?/gm)]);
  assert.ok(shown.length >= 3, "the README shows commands");
  for (const [text, cmd, sub] of shown) {
    assert.ok(commands.has(cmd), `README shows "${text.trim()}", but there is no command ${cmd}`);
    const subs = commands.get(cmd) ?? [];
    if (subs.length && sub !== undefined)
      assert.ok(subs.includes(sub), `README shows "${text.trim()}": no ${cmd} ${sub}`);
  }
  const table = [...README.matchAll(/^\| `(\w[\w-]*)[ `]/gm)].map((m) => m[1]);
  assert.deepEqual(
    [...commands.keys()].filter((c) => !table.includes(c)),
    [],
    "commands missing from the README's CLI table",
  );
});

test("every npm script and example file the README names exists", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  for (const [, script] of README.matchAll(/npm run (\w[\w:-]*)/g))
    assert.ok(script in pkg.scripts, `README runs "npm run ${script}", not in package.json`);
  assert.ok("test" in pkg.scripts);
  for (const [path] of README.matchAll(/examples\/[\w.-]+/g))
    assert.ok(existsSync(join(ROOT, path)), `README names ${path}, which does not exist`);
});
