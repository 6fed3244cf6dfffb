/**
 * A corpus of corrupt or hostile weight files given to `shocklens eval`: each is rejected with
 * exit code 2, one line on stderr naming the file, no stack trace — and the file is left as it was.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { key } from "../../src/core/random.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { saveTree } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { runCliInProcess, tempDir } from "./helpers.ts";

function header(json: object, body: Uint8Array, lieAboutLength?: bigint): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + h.length + body.length);
  new DataView(out.buffer).setBigUint64(0, lieAboutLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
}

test("corrupt weight files: exit 2, one line naming the file, file untouched", async () => {
  const dir = tempDir();
  const p = (f: string) => join(dir, f);
  const raw = { arch: "mlp", sizes: [2, 2] };
  writeFileSync(p("m.json"), JSON.stringify(raw));
  const good = p("good.safetensors");
  saveTree(good, modelOf(parseModelConfig(raw)).init(key(1)));
  writeSafetensors(p("d.safetensors"), {
    x: { dtype: "F64", shape: [1, 2], data: new Float64Array(2) },
    y: { dtype: "F64", shape: [1, 2], data: new Float64Array(2) },
  });
  const goodBytes = readFileSync(good);
  const w = (t: object) => ({ dtype: "F64", shape: [2, 2], data_offsets: [0, 32], ...t });
  const corpus: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    "truncated-header": goodBytes.subarray(0, 20),
    "truncated-data": goodBytes.subarray(0, goodBytes.length - 8),
    "huge-header-length": header({}, new Uint8Array(0), 1n << 62n),
    "header-longer-than-file": header({}, new Uint8Array(0), 4096n),
    garbage: Uint8Array.from({ length: 200 }, (_, i) => (i * 97 + 13) & 0xff),
    "not-json": header({}, new Uint8Array(0)).map((b, i) => (i >= 8 ? 0x7b : b)),
    "unknown-dtype": header({ "fc0.weight": w({ dtype: "Q7" }) }, new Uint8Array(32)),
    "shape-times-dtype-mismatch": header({ "fc0.weight": w({ shape: [3, 2] }) }, new Uint8Array(32)),
    "overlapping-offsets": header(
      { "fc0.weight": w({}), "fc0.bias": { dtype: "F64", shape: [2], data_offsets: [16, 32] } },
      new Uint8Array(32),
    ),
    "offsets-out-of-range": header({ "fc0.weight": w({ data_offsets: [0, 4000] }) }, new Uint8Array(32)),
    "negative-shape": header({ "fc0.weight": w({ shape: [-2, -2] }) }, new Uint8Array(32)),
    "wrong-shape-for-config": header(
      {
        "fc0.weight": { dtype: "F64", shape: [4], data_offsets: [0, 32] },
        "fc0.bias": { dtype: "F64", shape: [2], data_offsets: [32, 48] },
      },
      new Uint8Array(48),
    ),
    "nan-weights": header(
      { "fc0.weight": w({}), "fc0.bias": { dtype: "F64", shape: [2], data_offsets: [32, 48] } },
      new Uint8Array(new Float64Array([NaN, 0, 0, 0, 0, 0]).buffer),
    ),
  };
  for (const [name, bytes] of Object.entries(corpus)) {
    const file = p(`${name}.safetensors`);
    writeFileSync(file, bytes);
    const r = await runCliInProcess([
      "eval",
      "--model",
      p("m.json"),
      "--weights",
      file,
      "--data",
      p("d.safetensors"),
      "--json",
    ]);
    assert.equal(r.code, 2, `${name}: exit ${r.code}, stderr ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
    assert.match(lines[0], new RegExp(`${name}\\.safetensors`), `${name}: message must name the file: ${lines[0]}`);
    assert.equal(r.stdout, "", `${name}: nothing on stdout`);
    assert.deepEqual(readFileSync(file), Buffer.from(bytes), `${name}: file changed`);
  }
});
