/**
 * A PyTorch user's first steps (docs/file-formats.md §pytorch): an `nn.Sequential` MLP built and
 * saved by PyTorch is analysed without renaming (names mapped by position, with a note), its loss
 * and gradient agree with torch's autograd, a `torch.save` file is refused with the command that
 * converts it, and `train` starts from the PyTorch weights on the user's own data. Needs
 * /usr/bin/python3 with torch and numpy (Debian python3-torch); skipped with the reason otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunReader } from "../../src/store/reader.ts";
import { runCliInProcess, tempDir, expectUsageError } from "./helpers.ts";

const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
const skip =
  probe.status === 0
    ? false
    : `needs ${PYTHON} with torch and numpy (apt-get install python3-torch): ` +
      (probe.error?.message ?? probe.stderr.trim().split("\n").pop());

const dir = tempDir();

// float64 nn.Sequential(Linear(3, 5), Tanh, Linear(5, 3)) on 40 samples with class labels; the
// state_dict saved with numpy (npz) and with torch.save; torch's loss and gradient norm printed.
const SCRIPT = `
import json, sys, numpy as np, torch
torch.manual_seed(0)
out = sys.argv[1]
net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
x = torch.randn(40, 3, dtype=torch.float64)
y = torch.randint(0, 3, (40,))
loss = torch.nn.functional.cross_entropy(net(x), y)
loss.backward()
grad = torch.cat([p.grad.reshape(-1) for p in net.parameters()])
np.savez(out + "/w.npz", **{k: v.detach().numpy() for k, v in net.state_dict().items()})
np.savez(out + "/d.npz", x=x.numpy(), y=y.numpy())
torch.save(net.state_dict(), out + "/w.pt")
torch.save(net.state_dict(), out + "/legacy.pth", _use_new_zipfile_serialization=False)
print(json.dumps({"loss": loss.item(), "gradNorm": grad.norm().item(), "names": list(net.state_dict().keys())}))
`;

const torchRun = skip
  ? null
  : (() => {
      const r = spawnSync(PYTHON, ["-c", SCRIPT, dir], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { loss: number; gradNorm: number; names: string[] };
    })();

const model = join(dir, "model.json");
writeFileSync(model, JSON.stringify({ arch: "mlp", sizes: [3, 5, 3], activation: "tanh" }));

/** `eval` of the model on the weights and data PyTorch saved. */
const evalTorchFiles = (more: string[]) =>
  runCliInProcess(["eval", "--model", model, "--weights", join(dir, "w.npz"), "--data", join(dir, "d.npz"), ...more]);

test(
  "an nn.Sequential state_dict (npz) is analysed without renaming; loss and gradient match torch",
  { skip },
  async () => {
    assert.deepEqual(torchRun!.names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
    const r = await evalTorchFiles(["--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.lossFunction, "xent", "int64 labels choose the cross-entropy");
    assert.ok(Math.abs(out.loss - torchRun!.loss) <= 1e-12 * torchRun!.loss, `${out.loss} vs torch ${torchRun!.loss}`);
    assert.ok(Math.abs(out.gradNorm - torchRun!.gradNorm) <= 1e-10 * torchRun!.gradNorm);
    assert.match(
      r.stderr,
      /note: weights .*w\.npz: names mapped by position .*0\.weight → fc0\.weight, 0\.bias → fc0\.bias, 2\.weight → fc1\.weight/,
    );
  },
);

test("--rename maps names explicitly and --quiet drops the note", { skip }, async () => {
  const r = await evalTorchFiles(["--rename", "0=fc0", "--rename", "2=fc1", "--quiet", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.ok(Math.abs(JSON.parse(r.stdout).loss - torchRun!.loss) <= 1e-12 * torchRun!.loss);
});

test("a torch.save file is refused with a one-line conversion command, never unpickled", { skip }, async () => {
  await expectUsageError(
    ["eval", "--model", model, "--weights", join(dir, "w.pt"), "--data", join(dir, "d.npz")],
    new RegExp(
      String.raw`weights .*w\.pt is a PyTorch torch\.save file \(zip\); .*Convert it once with: ` +
        String.raw`python3 -c 'import torch; from safetensors\.torch import save_file; .*w\.safetensors`,
    ),
    { prefixed: true },
  );
  await expectUsageError(
    ["quotient", "--model", model, "--weights", join(dir, "legacy.pth")],
    /weights .*legacy\.pth is a pickled PyTorch file \(torch\.save\); .*legacy\.safetensors/,
  );
  await expectUsageError(
    ["eval", "--model", model, "--weights", join(dir, "w.npz"), "--data", join(dir, "w.pt"), "--quiet"],
    /data .*w\.pt is a PyTorch torch\.save file .*x, y = \(d\["x"\], d\["y"\]\)/,
  );
});

test(
  "train starts from the PyTorch weights on the user's own npz data (relative paths from the config)",
  { skip },
  async () => {
    const config = join(dir, "run.json");
    writeFileSync(
      config,
      JSON.stringify({
        seed: 1,
        model: { arch: "mlp", sizes: [3, 5, 3], activation: "tanh" },
        data: { name: "file", path: "d.npz", trainFraction: 1 },
        init: { weights: "w.npz" },
        optimizer: { name: "sgd", lr: 0.1 },
        steps: 5,
        batchSize: 8,
        evalTrain: true,
      }),
    );
    const store = join(dir, "runs.db");
    const r = await runCliInProcess(["train", "--config", config, "--store", store, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: weights .*w\.npz: names mapped by position/);
    const run = JSON.parse(r.stdout);
    const shown = JSON.parse((await runCliInProcess(["runs", "show", run.run, "--store", store, "--json"])).stdout);
    assert.equal(shown.run.config.data.path, join(dir, "d.npz"), "stored absolute");
    assert.equal(shown.run.config.init.weights, join(dir, "w.npz"));
    const init = shown.events.find((e: { kind: string }) => e.kind === "init");
    assert.match(init.payload.notes[0], /names mapped by position/);
    // Step 0's full-data loss is torch's loss at the same weights on the same samples.
    const reader = RunReader.openReadOnly(store)!;
    const step0 = reader.scalars(run.run, "train/loss").find((p) => p.step === 0)!;
    reader.close();
    assert.ok(Math.abs(step0.value - torchRun!.loss) <= 1e-12 * torchRun!.loss, `${step0.value} vs ${torchRun!.loss}`);
  },
);
