/**
 * Tensor files recognised by their first bytes (docs/file-formats.md §pytorch): safetensors, npy,
 * npz, the two torch.save formats, and other ZIP archives. Includes the regression where a
 * safetensors header length like 0x0380 (whose first bytes read as a pickle's PROTO 3) was taken
 * for a pickled PyTorch file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sniffTensorFile, safetensorsName, torchConversionCommand } from "../../src/io/sniff.ts";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.ts";
import { encodeNpy } from "../../src/io/npy.ts";
import { encodeNpz } from "../../src/io/npz.ts";
import { writeZip } from "../../src/io/zip.ts";

const arr = { dtype: "F64" as const, shape: [2], data: Float64Array.of(1, 2) };

test("safetensors is recognised for every header length, including those that start like a pickle (0x80 0x02–0x05)", () => {
  const seen = new Set<number>();
  for (let pad = 0; pad < 1200; pad++) {
    const bytes = encodeSafetensors(new Map([["w", arr]]), { note: "x".repeat(pad) });
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) seen.add(n);
    assert.equal(sniffTensorFile(bytes), "safetensors", `header length ${n}`);
    assert.deepEqual(decodeSafetensors(bytes).tensors.get("w")?.data, arr.data);
  }
  assert.ok(seen.size >= 2, "the pickle-like header lengths were exercised");
});

test("npy, npz, torch.save zip and pickle, other zip, and unknown bytes", () => {
  assert.equal(sniffTensorFile(encodeNpy(arr)), "npy");
  assert.equal(sniffTensorFile(encodeNpz(new Map([["x", arr]]))), "npz");
  const torchZip = writeZip([
    { name: "archive/data.pkl", data: Uint8Array.of(0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e) },
    { name: "archive/data/0", data: new Uint8Array(16) },
  ]);
  assert.equal(sniffTensorFile(torchZip), "torch-zip");
  assert.equal(sniffTensorFile(writeZip([{ name: "readme.txt", data: new Uint8Array(3) }])), "zip");
  // torch.save(..., _use_new_zipfile_serialization=False): a pickle, protocol 2.
  assert.equal(
    sniffTensorFile(Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20)),
    "torch-pickle",
  );
  assert.equal(sniffTensorFile(new TextEncoder().encode("hello, world")), "unknown");
});

test("the conversion command names the safetensors file next to the input and survives quotes in the path", () => {
  assert.equal(safetensorsName("/a/b/w.pt"), "/a/b/w.safetensors");
  assert.equal(safetensorsName("/a/b.d/weights"), "/a/b.d/weights.safetensors");
  const cmd = torchConversionCommand("/tmp/it's.pt", "weights");
  assert.match(cmd, /^python3 -c '.*'$/);
  assert.ok(cmd.includes(`torch.load("/tmp/it'\\''s.pt", map_location="cpu")`), cmd);
  assert.ok(cmd.includes(`save_file({k: v.contiguous() for k, v in sd.items()}, "/tmp/it'\\''s.safetensors")`));
  assert.match(torchConversionCommand("d.pt", "data"), /x, y = \(d\["x"\], d\["y"\]\) if isinstance\(d, dict\) else d/);
});
