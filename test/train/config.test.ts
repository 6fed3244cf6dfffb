/** The run config: defaults, one-line errors that name the offending path, and its JSON Schema. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../src/errors.ts";
import { parseRunConfig, runConfigJsonSchema } from "../../src/train/config.ts";

const good = {
  seed: 1,
  model: { arch: "mlp", sizes: [2, 4, 2] },
  data: { name: "two-moons" },
  optimizer: { name: "adam" },
  steps: 10,
  batchSize: 4,
};

function message(raw: unknown): string {
  try {
    parseRunConfig(raw, "config run.yaml");
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${e}`);
    assert.ok(!e.message.includes("\n"), "one line");
    return e.message;
  }
  assert.fail("the config was accepted");
}

test("defaults are filled in (torch's for the optimizer)", () => {
  const c = parseRunConfig(good);
  assert.equal(c.replacement, false);
  assert.equal(c.logEvery, 10);
  assert.equal(c.keepCheckpoints, 3);
  assert.deepEqual(c.optimizer, { name: "adam", lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
  assert.deepEqual(c.data, { name: "two-moons", trainFraction: 0.8, n: 1000, noise: 0.1 });
  assert.deepEqual(parseRunConfig({ ...good, optimizer: { name: "adamw" } }).optimizer, {
    name: "adamw",
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0.01,
  });
});

test("unknown keys are rejected with their full path", () => {
  assert.equal(
    message({ ...good, optimizer: { name: "sgd", lr: 0.1, momentun: 0.9 } }),
    "config run.yaml: optimizer.momentun: unknown key",
  );
  assert.equal(message({ ...good, stepz: 3 }), "config run.yaml: stepz: unknown key");
  assert.equal(message({ ...good, model: { ...good.model, width: 3 } }), "config run.yaml: model.width: unknown key");
});

test("wrong values name their path and what was expected", () => {
  assert.match(
    message({ ...good, data: { name: "cifar" } }),
    new RegExp(
      "^config run\\.yaml: data\\.name: expected one of " +
        "mnist, iris, two-moons, spirals, gaussian-mixture, teacher-student, modular, file$",
    ),
  );
  assert.match(message({ ...good, batchSize: 0 }), /^config run\.yaml: batchSize: /);
  assert.match(message({ ...good, optimizer: { name: "sgd" } }), /^config run\.yaml: optimizer\.lr: /);
  assert.match(
    message({ ...good, optimizer: { name: "sgd", lr: 0.1, nesterov: true } }),
    /^config run\.yaml: optimizer\.nesterov: Nesterov/,
  );
  assert.match(message({ ...good, epochs: 2 }), /^config run\.yaml: steps: give exactly one of steps and epochs$/);
  assert.match(message({ ...good, seed: undefined }), /^config run\.yaml: seed: /);
  assert.match(
    message({ ...good, model: { arch: "cnn", input: [1, 4, 4], conv: [{ out: 2, kernel: 7 }], fc: [2] } }),
    /^config run\.yaml: model: conv\.0: kernel 7/,
  );
  assert.match(message([1, 2]), /^config run\.yaml: \(top level\): /);
});

test("the JSON Schema is strict and documents the fields", () => {
  const s = runConfigJsonSchema() as {
    properties: Record<string, { description?: string }>;
    additionalProperties: boolean;
    required: string[];
  };
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(s.required.sort(), ["batchSize", "data", "model", "optimizer", "seed"]);
  for (const k of ["model", "data", "optimizer", "schedule", "steps", "epochs", "evalEvery", "checkpointEvery"])
    assert.ok(s.properties[k]?.description, k);
  assert.match(JSON.stringify(s.properties.data), /"const":"teacher-student"/);
});

test("a missing required key says so; a typo is reported first and no other problem is hidden", () => {
  const { seed: _seed, ...noSeed } = good;
  assert.equal(message(noSeed), "config run.yaml: seed: missing (a required number)");
  assert.equal(message({ ...noSeed, sed: 1 }), "config run.yaml: sed: unknown key (also 1 more: seed)");
  assert.match(
    message({ ...good, batchSize: undefined, optimizer: { name: "sgd", lr: 0.1, momentun: 0.9 } }),
    /^config run\.yaml: optimizer\.momentun: unknown key \(also 1 more: batchSize\)$/,
  );
});

test("--schema describes every property of the run config, nested ones included", () => {
  const missing: string[] = [];
  let count = 0;
  const walk = (node: Record<string, unknown> | undefined, path: string): void => {
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      count++;
      if (typeof v.description !== "string" || v.description.length < 5) missing.push(`${path}.${k}`);
      walk(v, `${path}.${k}`);
    }
    for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"])
      for (const [i, n] of ((node[key] ?? []) as Record<string, unknown>[]).entries()) walk(n, `${path}[${i}]`);
    if (node.items && typeof node.items === "object") walk(node.items as Record<string, unknown>, `${path}[]`);
  };
  walk(runConfigJsonSchema(), "");
  assert.ok(count > 150, `${count} properties`);
  assert.deepEqual(missing, []);
});
