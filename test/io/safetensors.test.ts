import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { DTYPES, fromFloat64, type NDArray } from "../../src/io/ndarray.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  readSafetensors,
  writeSafetensors,
} from "../../src/io/safetensors.ts";
import {
  arbNDArray,
  assertInputError,
  assertSameArray,
  tempDir,
  mutationsOnlyRaiseInputError,
  arbitraryBytesOnlyRaiseInputError,
} from "./helpers.ts";

const enc = new TextEncoder();

/** A safetensors image with the given header text (no padding) and data bytes. */
function build(header: string, data: Uint8Array | number[] = [], lengthOverride?: bigint): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const F64_2x3 = fromFloat64([1, 2, 3, 4, 5, 6], [2, 3]);

test("decodes hand-computed bytes", () => {
  const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  assert.equal(header.length, 54);
  // prettier-ignore
  const bytes = Uint8Array.from([
    54, 0, 0, 0, 0, 0, 0, 0,              // u64 little-endian header length
    ...enc.encode(header),
    0x00, 0x00, 0x80, 0x3f,               // 1.0f
    0x00, 0x00, 0x00, 0xc0,               // -2.0f
  ]);
  const { tensors, metadata } = decodeSafetensors(bytes, "hand.safetensors");
  assert.deepEqual(metadata, {});
  const a = tensors.get("a")!;
  assert.equal(a.dtype, "F32");
  assert.deepEqual(a.shape, [2]);
  assert.deepEqual([...a.data], [1, -2]);
  // Our encoder writes the same header padded with two spaces to 56 bytes.
  const ours = encodeSafetensors({ a: fromFloat64([1, -2], [2], "F32") });
  assert.deepEqual([...ours], [56, 0, 0, 0, 0, 0, 0, 0, ...enc.encode(header + "  "), 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
});

test("round-trips every dtype and edge shapes, with metadata and insertion order", () => {
  const tensors = new Map<string, NDArray>();
  for (const dtype of DTYPES) {
    for (const shape of [[], [0], [1, 0, 3], [3], [2, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (dtype === "BOOL" ? i % 2 : i + 1));
      tensors.set(`${dtype}:${shape.join("x")}`, fromFloat64(values, shape, dtype));
    }
  }
  tensors.set("10", fromFloat64([1], [1]));
  tensors.set("2", fromFloat64([2], [1]));
  const meta = { format: "pt", note: "ünïcode ✓" };
  const bytes = encodeSafetensors(tensors, meta);
  assert.equal(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8, 0, "header padded to 8");
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, meta);
  assert.deepEqual([...back.tensors.keys()], [...tensors.keys()], "buffer order = insertion order");
  for (const [k, v] of tensors) assertSameArray(back.tensors.get(k)!, v, k);
});

test("round-trips a large-ish tensor", () => {
  const n = 256 * 257;
  const big = fromFloat64(
    Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3),
    [256, 257],
  );
  assertSameArray(decodeSafetensors(encodeSafetensors({ big })).tensors.get("big")!, big);
});

test("round-trips random tensors bit-exactly (property)", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.string(), arbNDArray()), { selector: ([k]) => k, maxLength: 5 }),
      (items) => {
        const named = items.filter(([k]) => k !== "__metadata__");
        const back = decodeSafetensors(encodeSafetensors(new Map(named))).tensors;
        assert.equal(back.size, named.length);
        for (const [k, v] of named) assertSameArray(back.get(k)!, v, k);
      },
    ),
    { numRuns: 300 },
  );
});

test("decodes from an unaligned view into aligned arrays", () => {
  const bytes = encodeSafetensors({ x: F64_2x3 });
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assertSameArray(decodeSafetensors(shifted.subarray(3)).tensors.get("x")!, F64_2x3);
});

test("rejects corrupt files with a message naming the problem", () => {
  const t = (dtype: string, shape: unknown, offsets: unknown) =>
    JSON.stringify({ dtype, shape, data_offsets: offsets });
  const cases: [string, Uint8Array, RegExp][] = [
    ["too short", new Uint8Array(5), /f\.st: 5 bytes is too short/],
    ["zero header", build(""), /header length is 0/],
    [
      "huge u64 header length",
      build("{}", [], 2n ** 64n - 1n),
      /header length 18446744073709551615 exceeds the 100000000-byte limit/,
    ],
    ["header past the end", build("{}", [], 1000n), /header length 1000 exceeds the 2 bytes/],
    ["just over the limit", build("{}", [], BigInt(MAX_HEADER_BYTES) + 1n), /exceeds the 100000000-byte limit/],
    ["not JSON", build("{nope"), /header is not valid UTF-8 JSON/],
    ["bad UTF-8", build('"\\u0000"').map((b, i) => (i === 9 ? 0xff : b)), /not valid UTF-8 JSON/],
    ["array header", build("[1,2]"), /header is not a JSON object/],
    ["null header", build("null"), /header is not a JSON object/],
    ["entry not object", build('{"w":3}'), /tensor "w" is not an object/],
    ["unknown dtype", build(`{"w":${t("F8_E4M3", [1], [0, 1])}}`, [0]), /tensor "w" has unsupported dtype "F8_E4M3"/],
    ["missing dtype", build(`{"w":{"shape":[1],"data_offsets":[0,1]}}`, [0]), /unsupported dtype undefined/],
    [
      "negative shape",
      build(`{"w":${t("U8", [-1], [0, 0])}}`),
      /tensor "w" shape \[-1\] is not an array of non-negative integers/,
    ],
    ["fractional shape", build(`{"w":${t("U8", [1.5], [0, 0])}}`), /shape \[1.5\]/],
    ["string shape", build(`{"w":${t("U8", "3", [0, 3])}}`, [1, 2, 3]), /shape "3"/],
    ["overflowing shape", build(`{"w":${t("U8", [2 ** 30, 2 ** 30, 2 ** 30], [0, 0])}}`), /too many elements/],
    ["one offset", build(`{"w":${t("U8", [1], [0])}}`, [0]), /data_offsets \[0\] is not two non-negative integers/],
    ["negative offset", build(`{"w":${t("U8", [1], [-1, 0])}}`, [0]), /is not two non-negative integers/],
    ["begin > end", build(`{"w":${t("U8", [0], [2, 1])}}`, [0, 0]), /\[2, 1\] outside the 2-byte data buffer/],
    [
      "end past buffer",
      build(`{"w":${t("U8", [4], [0, 4])}}`, [0, 0]),
      /tensor "w" data_offsets \[0, 4\] outside the 2-byte/,
    ],
    [
      "size mismatch",
      build(`{"fc0.weight":${t("F64", [3, 5], [0, 96])}}`, new Uint8Array(96)),
      /tensor "fc0.weight" data_offsets \[0, 96\] hold 96 bytes but F64 \[3, 5\] needs 120/,
    ],
    [
      "overlap",
      build(`{"a":${t("U8", [2], [0, 2])},"b":${t("U8", [2], [1, 3])}}`, [1, 2, 3]),
      /tensor "b" data_offsets \[1, 3\] overlap tensor "a" \[0, 2\]/,
    ],
    ["same range twice", build(`{"a":${t("U8", [2], [0, 2])},"b":${t("U8", [2], [0, 2])}}`, [1, 2]), /overlap/],
    ["hole at start", build(`{"a":${t("U8", [2], [1, 3])}}`, [1, 2, 3]), /hole: bytes \[0, 1\)/],
    [
      "hole between",
      build(`{"a":${t("U8", [1], [0, 1])},"b":${t("U8", [1], [2, 3])}}`, [1, 2, 3]),
      /hole: bytes \[1, 2\)/,
    ],
    ["trailing bytes", build(`{"a":${t("U8", [1], [0, 1])}}`, [1, 2, 3]), /2 trailing bytes after the last tensor/],
    ["bytes but no tensors", build("{}", [1]), /1 trailing bytes/],
    ["metadata not object", build('{"__metadata__":[]}'), /__metadata__ is not an object/],
    ["metadata non-string", build('{"__metadata__":{"k":1}}'), /__metadata__ value for "k" is not a string/],
  ];
  for (const [label, bytes, pattern] of cases) {
    assertInputError(() => decodeSafetensors(bytes, "f.st"), pattern, label);
    assertInputError(() => decodeSafetensors(bytes, "f.st"), /^corrupt safetensors file f\.st: /, label);
  }
});

test("accepts zero-sized tensors sharing an offset and ignores unknown entry fields", () => {
  const header =
    '{"z":{"dtype":"F32","shape":[0],"data_offsets":[2,2]},"e":{"dtype":"F32","shape":[3,0],"data_offsets":[0,0]},' +
    '"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2],"x":1}}';
  const { tensors } = decodeSafetensors(build(header, [7, 8]));
  assert.deepEqual([...tensors.keys()], ["e", "a", "z"]);
  assert.deepEqual(tensors.get("e")!.shape, [3, 0]);
  // As in the reference implementation, an empty range strictly inside another one overlaps it.
  const inside =
    '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"e":{"dtype":"U8","shape":[0],"data_offsets":[1,1]}}';
  assertInputError(
    () => decodeSafetensors(build(inside, [7, 8])),
    /tensor "e" data_offsets \[1, 1\] overlap tensor "a"/,
  );
});

test("a __proto__ metadata key stays plain data", () => {
  const { metadata } = decodeSafetensors(build('{"__metadata__":{"__proto__":"x"}}'));
  assert.equal(Object.getPrototypeOf(metadata), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(metadata, "__proto__")?.value, "x");
});

test("every proper prefix of a valid file is rejected with InputError", () => {
  const bytes = encodeSafetensors({ a: F64_2x3, b: fromFloat64([1, 0], [2], "BOOL") }, { k: "v" });
  for (let len = 0; len < bytes.length; len++) {
    assertInputError(() => decodeSafetensors(bytes.subarray(0, len), "p.st"), /p\.st/);
  }
  assert.equal(decodeSafetensors(bytes).tensors.size, 2);
});

test("arbitrary and mutated bytes only ever raise InputError (property)", () => {
  const valid = encodeSafetensors({ a: F64_2x3, b: fromFloat64([1, 2], [2], "I16") }, { m: "n" });
  arbitraryBytesOnlyRaiseInputError(decodeSafetensors);
  mutationsOnlyRaiseInputError(valid, decodeSafetensors);
});

test("encoder rejects invalid input", () => {
  assertInputError(() => encodeSafetensors({ __metadata__: F64_2x3 }), /reserved/);
  assertInputError(
    () => encodeSafetensors({ x: { dtype: "F64", shape: [3], data: new Float64Array(2) } }),
    /tensor "x": data has 2 elements/,
  );
  assertInputError(
    () => encodeSafetensors({}, { k: 1 as unknown as string }),
    /metadata: __metadata__ value for "k" is not a string/,
  );
});

test("readSafetensors/writeSafetensors go through the file system", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "w.safetensors");
    writeSafetensors(file, { w: F64_2x3 }, { a: "b" });
    const back = readSafetensors(file);
    assertSameArray(back.tensors.get("w")!, F64_2x3);
    assert.deepEqual(back.metadata, { a: "b" });
    fs.writeFileSync(file, new Uint8Array(3));
    assertInputError(
      () => readSafetensors(file),
      new RegExp(`corrupt safetensors file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: 3 bytes`),
    );
    assertInputError(
      () => readSafetensors(path.join(dir, "missing.safetensors")),
      /safetensors file .*missing\.safetensors does not exist/,
    );
    assert.deepEqual(fs.readdirSync(dir), ["w.safetensors"], "no temp files left behind");
  } finally {
    cleanup();
  }
});
