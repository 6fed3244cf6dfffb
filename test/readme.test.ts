/** The README's library example, run as written (through the public index), so it cannot drift. */
import { test } from "node:test";
import assert from "node:assert/strict";
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
